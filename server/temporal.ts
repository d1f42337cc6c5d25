import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { Config } from './config';

/** Where Temporal is: the configured cluster, or the dev server `npm start` runs locally. */
export function temporalAddress(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
}

export async function temporalTls(config: Config): Promise<TLSConfig | undefined> {
  if (!config.TEMPORAL_TLS && !config.TEMPORAL_TLS_CERT_PATH && !config.TEMPORAL_TLS_CA_PATH)
    return undefined;
  const tls: TLSConfig = {};
  if (config.TEMPORAL_TLS_CA_PATH) tls.serverRootCACertificate = await readFile(config.TEMPORAL_TLS_CA_PATH);
  if (config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH) {
    tls.clientCertPair = {
      crt: await readFile(config.TEMPORAL_TLS_CERT_PATH),
      key: await readFile(config.TEMPORAL_TLS_KEY_PATH),
    };
  }
  return tls;
}

export async function connectTemporalClient(
  config: Config,
): Promise<{ client: Client; connection: Connection }> {
  const tls = await temporalTls(config);
  const connection = await Connection.connect({
    address: temporalAddress(config),
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  });
  return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
}

/** True when the namespace answers within two seconds; /healthz reports it. */
export async function temporalReachable(client: Client): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + 2000, () =>
      client.connection.workflowService.describeNamespace({ namespace: client.options.namespace }),
    );
    return true;
  } catch {
    return false;
  }
}

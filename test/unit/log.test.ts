import { describe, expect, it } from 'vitest';
import { createLog } from '../../server/log';

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    sink: {
      log: (...a: unknown[]) => lines.push(a.join(' ')),
      error: (...a: unknown[]) => lines.push(`!${a.join(' ')}`),
    },
  };
}

describe('log', () => {
  it('at LOG_LEVEL=warn, only warnings and errors are written, errors to stderr', () => {
    const { lines, sink } = recorder();
    const log = createLog('warn', sink);
    log.debug('bundle details');
    log.info('ready');
    log.warn('reminder dates could not be sent');
    log.error('mail failed', 'timeout');
    expect(lines).toEqual([
      '![rounds] warn: reminder dates could not be sent',
      '![rounds] error: mail failed timeout',
    ]);
  });

  it('at LOG_LEVEL=debug, everything is written', () => {
    const { lines, sink } = recorder();
    const log = createLog('debug', sink);
    log.debug('bundle details');
    log.info('ready');
    expect(lines).toEqual(['[rounds] debug: bundle details', '[rounds] ready']);
  });
});

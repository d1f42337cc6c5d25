import { getConnInfo } from '@hono/node-server/conninfo';
import { isIPv6 } from 'node:net';
import type { Context } from 'hono';
import type { AppEnv } from './context';

/**
 * The address a request came from: the socket's peer, or, behind TRUST_PROXY_HOPS proxies that
 * each append to X-Forwarded-For, the entry the outermost of them wrote. Entries further left were
 * written by the client and prove nothing, so they are never used. Rate limits and the security log
 * key on this.
 */
export function clientAddress(c: Context<AppEnv>): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Not served by @hono/node-server (a request built in memory): no socket to ask.
  }
  const hops = c.get('deps').config.TRUST_PROXY_HOPS;
  if (hops === 0) return normalize(peer);
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // With one proxy, the last entry is the client as that proxy saw it; each further proxy adds one.
  const entry = forwarded[forwarded.length - hops];
  return normalize(entry ?? peer);
}

/**
 * "::ffff:10.0.0.7" and "10.0.0.7" are one client. An IPv6 client is its /64: one home line or
 * server holds a whole /64 and could otherwise take a fresh address, and a fresh budget, per request.
 */
export function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv6(address)) return `${ipv6Prefix64(address)}::/64`;
  return address.slice(0, 64);
}

/** The first four groups of an IPv6 address, with "::" expanded. */
function ipv6Prefix64(address: string): string {
  const [head = '', tail = ''] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':');
}

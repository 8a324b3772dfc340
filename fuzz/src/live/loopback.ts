/**
 * The live fuzzer sends hostile bytes: only ever to this machine. A host
 * is accepted if it is a loopback address or a name that resolves only to
 * loopback addresses.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

const isLoopback = (ip: string) => ip === '::1' || ip.startsWith('127.') || ip === '::ffff:127.0.0.1' || /^::ffff:127\./.test(ip);

/** Resolves `host` and throws unless every address it has is a loopback one; returns the first. */
export async function loopbackAddress(host: string): Promise<string> {
  const addrs = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const bad = addrs.filter((a) => !isLoopback(a));
  if (addrs.length === 0 || bad.length > 0) throw new Error(`pgcodec-fuzz sends only to loopback; ${host} is ${addrs.join(', ') || 'unresolved'}`);
  return addrs[0]!;
}

/** Parses `host:port` (or `[::1]:port`). */
export function hostPort(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(s);
  const port = Number(m?.[3]);
  if (m === null || !(port > 0 && port < 65536)) throw new Error(`expected host:port, got '${s}'`);
  return { host: m[1] ?? m[2]!, port };
}

#!/usr/bin/env node
/**
 * pgcodec-proxy: a strict, protocol-aware PostgreSQL proxy.
 *
 *   pgcodec-proxy [--listen host:port] [--upstream host:port] [--log none|summary|queries|messages]
 *                 [--read-only] [--tls-cert file --tls-key file] [--stats-interval seconds]
 *
 * Without --upstream it starts an embedded PostgreSQL 18 (see embedded.ts)
 * and proxies to it. Counters go to stderr on SIGUSR2, every
 * --stats-interval seconds, and at exit; SIGINT and SIGTERM shut down
 * cleanly (sessions closed, the embedded server stopped and removed).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Query, Parse, type FrameBatch } from 'pgcodec';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { combineHooks, queryLogHooks, readOnlyHooks } from './hooks.js';
import { startProxy, type PgProxy, type ProxyStats } from './proxy.js';
import type { ProxySession } from './session.js';

const USAGE = `usage: pgcodec-proxy [options]
  --listen host:port        where to listen (default 127.0.0.1:6432)
  --upstream host:port      the PostgreSQL server (default: start an embedded PostgreSQL 18)
  --log none|summary|queries|messages
                            a line per session as it ends (summary, the default), per query too, or per message too
  --read-only               sessions start read-only; statements that would make them writable are refused
  --tls-cert file --tls-key file
                            terminate TLS from clients (PEM); without, SSLRequest is answered 'N'
  --upstream-tls require|prefer
                            TLS to the upstream (certificate not verified, as libpq's sslmode=require)
  --stats-interval seconds  print counters this often (also on SIGUSR2 and at exit)
  --lenient                 report state-machine violations instead of closing the session
  -h, --help                this text`;

type LogLevel = 'none' | 'summary' | 'queries' | 'messages';

function hostPort(s: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(s) ?? /^()()(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`${what} must be host:port, got ${JSON.stringify(s)}`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

function formatStats(s: ProxyStats): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  return (
    `sessions ${s.open} open, ${s.total} total, ${s.errors} ended by protocol errors; ` +
    `client→server ${s.clientMessages} msgs ${mb(s.clientBytes)}; server→client ${s.serverMessages} msgs ${mb(s.serverBytes)}, ${s.rows} rows; ` +
    `${s.queries} queries, latency mean ${s.latencyMeanMs.toFixed(2)} ms, max ${s.latencyMaxMs.toFixed(2)} ms; ` +
    `cancels ${s.cancelsForwarded} forwarded, ${s.cancelsDropped} dropped`
  );
}

function sessionLine(s: ProxySession): string {
  const t = s.stats.snapshot();
  const who = s.cancel !== null ? `cancel request (${s.cancel})` : `${s.user || '?'}@${s.database || s.user || '?'}`;
  const secs = ((Date.now() - s.startedAt) / 1000).toFixed(1);
  const err = s.error ? ` — closed: ${s.error.side} ${s.error.kind} ${s.error.code}: ${s.error.message}` : '';
  return `session ${s.id} ${who} ${secs}s: client ${t.clientMessages} msgs ${t.clientBytes} B, server ${t.serverMessages} msgs ${t.serverBytes} B, ${t.rows} rows, ${t.queries} queries (p50 ${t.latencyP50Ms.toFixed(2)} ms, p99 ${t.latencyP99Ms.toFixed(2)} ms)${err}`;
}

function messageLine(s: ProxySession, from: 'client' | 'server', b: FrameBatch, i: number): string {
  const t = String.fromCharCode(b.type(i));
  let what = '';
  if (from === 'client' && (t === 'Q' || t === 'P')) {
    const m = b.decode(i);
    what = ` ${JSON.stringify(m instanceof Query ? m.queryString : m instanceof Parse ? m.query : '').slice(0, 200)}`;
  } else if (t !== 'D' && t !== 'd') {
    what = ` ${b.decode(i).type}`;
  }
  return `session ${s.id} ${from === 'client' ? '→' : '←'} ${t} ${b.length(i) + 4} B${what}`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string', default: '127.0.0.1:6432' },
      upstream: { type: 'string' },
      log: { type: 'string', default: 'summary' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'upstream-tls': { type: 'string' },
      'stats-interval': { type: 'string' },
      lenient: { type: 'boolean', default: false },
      'read-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = values.log as LogLevel;
  if (!['none', 'summary', 'queries', 'messages'].includes(log)) throw new Error(`--log must be none, summary, queries or messages, got ${JSON.stringify(log)}`);
  if (!values['tls-cert'] !== !values['tls-key']) throw new Error('--tls-cert and --tls-key go together');
  const interval = values['stats-interval'] === undefined ? 0 : Number(values['stats-interval']);
  if (!(interval >= 0)) throw new Error(`--stats-interval must be a number of seconds, got ${JSON.stringify(values['stats-interval'])}`);
  const listen = hostPort(values.listen!, '--listen');
  const upstreamTls = values['upstream-tls'];
  if (upstreamTls !== undefined && upstreamTls !== 'require' && upstreamTls !== 'prefer') throw new Error(`--upstream-tls must be require or prefer, got ${JSON.stringify(upstreamTls)}`);
  const say = (line: string) => process.stderr.write(`${line}\n`);

  let embedded: EmbeddedPostgres | null = null;
  let upstream: { host: string; port: number };
  if (values.upstream !== undefined) {
    upstream = hostPort(values.upstream, '--upstream');
  } else {
    say('pgcodec-proxy: no --upstream: starting an embedded PostgreSQL 18…');
    embedded = await startEmbeddedPostgres();
    upstream = { host: embedded.host, port: embedded.port };
    say(`pgcodec-proxy: ${embedded.version} on ${embedded.host}:${embedded.port}, user ${embedded.user} (trust); its data lives in ${embedded.dir} and is removed at exit`);
  }

  let proxy: PgProxy;
  try {
    proxy = await startProxy({
      upstream,
      listen,
      strict: !values.lenient,
      upstreamTls,
      tls: values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : undefined,
      hooks: combineHooks(...(values['read-only'] ? [readOnlyHooks()] : []), ...(log === 'queries' || log === 'messages' ? [queryLogHooks(say)] : [])),
      onFrame: log === 'messages' ? (s, from, b, i) => say(messageLine(s, from, b, i)) : undefined,
      onSessionEnd: log === 'none' ? undefined : (s) => say(sessionLine(s)),
    });
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  const at = proxy.address;
  say(`pgcodec-proxy: listening on ${at.host}:${at.port}, proxying to ${upstream.host}:${upstream.port}${embedded ? ` — try: psql -h ${at.host} -p ${at.port} -U ${embedded.user}` : ''}`);
  // A line on stdout for scripts and tests: where to connect.
  process.stdout.write(`${JSON.stringify({ listening: at, upstream, embedded: embedded !== null })}\n`);

  const timer = interval > 0 ? setInterval(() => say(`stats: ${formatStats(proxy.stats())}`), interval * 1000) : null;
  process.on('SIGUSR2', () => say(`stats: ${formatStats(proxy.stats())}`));
  return new Promise((resolve) => {
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      if (timer !== null) clearInterval(timer);
      say(`pgcodec-proxy: ${signal}: shutting down`);
      await proxy.close();
      say(`stats: ${formatStats(proxy.stats())}`);
      if (embedded !== null) {
        await embedded.stop();
        say(`pgcodec-proxy: embedded PostgreSQL stopped, ${embedded.dir} removed`);
      }
      resolve(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`pgcodec-proxy: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    process.exit(2);
  },
);

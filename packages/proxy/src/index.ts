/**
 * @pgcodec/proxy: a protocol-aware PostgreSQL proxy on pgcodec.
 *
 *   const proxy = await startProxy({ upstream: { host: '127.0.0.1', port: 5432 }, listen: { port: 6432 } });
 *   // psql -h 127.0.0.1 -p 6432 …
 *   console.log(proxy.stats());
 *   await proxy.close();
 */
export { startProxy, PgProxy, type ProxyOptions, type ProxyStats } from './proxy.js';
export { ProxySession, type SessionOptions } from './session.js';
export { CancelRegistry, type Upstream } from './cancel.js';
export { SessionStats, type StatsSnapshot } from './stats.js';
export { RecentFrames, type ErrorRecord } from './error-record.js';
export { Leg } from './leg.js';
export { combineHooks, readOnlyHooks, queryLogHooks, refusalFor, statementText, type ProxyHooks, type Refusal, type HookSession } from './hooks.js';
export { QueryTracker, type QueryRecord } from './queries.js';
export { startEmbeddedPostgres, embeddedBinDir, type EmbeddedPostgres } from './embedded.js';

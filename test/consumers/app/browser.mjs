import * as pg from 'pgcodec';
import * as auth from 'pgcodec/auth';
import { check } from './check.mjs';

// Browsers want the module compiled off the main thread before first use.
await pg.init();
window.report = await check(pg, auth).catch((e) => ({ failed: String(e && e.stack || e) }));

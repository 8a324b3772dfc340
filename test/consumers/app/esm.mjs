import * as pg from 'pgcodec';
import * as auth from 'pgcodec/auth';
import { check } from './check.mjs';

console.log(JSON.stringify(await check(pg, auth)));

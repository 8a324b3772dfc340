/**
 * PostgreSQL's own regression SQL files, for the proxy to carry: fetched
 * when a test needs them from Debian's archive (the source tarball of the
 * PostgreSQL 15 the harness runs, its checksum pinned), never committed:
 * our rules keep other projects' code out of this repository.
 *
 *   deb.debian.org …/postgresql-15_<version>.orig.tar.bz2  (sha256 checked)
 *     └─ src/test/regress/{sql,data,parallel_schedule}  →  $TMPDIR/pgcodec-regress-<version>/
 *
 * The directory is world-readable: test_setup.sql has the server (running
 * as the `postgres` OS user) COPY its tables from data/.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './pg-cluster.ts';

/** The upstream version of Debian's postgresql-15 source (bookworm), and its tarball's SHA-256 from the .dsc. */
export const REGRESS_VERSION = '15.18';
const TARBALL = `http://deb.debian.org/debian/pool/main/p/postgresql-15/postgresql-15_${REGRESS_VERSION}.orig.tar.bz2`;
const SHA256 = '11df0df97fe3ea4ba9a791faaf39cee1d2fe571e78885b5b55d8517d27c323b4';

/** The extracted `src/test/regress` directory (with `sql/` and `data/`), fetched once per machine. */
export async function regressSources(): Promise<string> {
  const root = join(tmpdir(), `pgcodec-regress-${REGRESS_VERSION}`);
  const dir = join(root, `postgresql-${REGRESS_VERSION}`, 'src', 'test', 'regress');
  if (existsSync(join(root, 'complete'))) return dir;
  const bytes = await download(TARBALL);
  const sum = createHash('sha256').update(bytes).digest('hex');
  if (sum !== SHA256) throw new Error(`${TARBALL}: SHA-256 ${sum}, expected ${SHA256}`);
  // Extract beside the final place, then move it in: a run cut short leaves nothing half made.
  const part = `${root}.part-${process.pid}`;
  rmSync(part, { recursive: true, force: true });
  mkdirSync(part, { recursive: true });
  const tarball = join(part, 'source.tar.bz2');
  writeFileSync(tarball, bytes);
  const inside = `postgresql-${REGRESS_VERSION}/src/test/regress`;
  const r = await runProcess('tar', ['-xjf', tarball, '-C', part, `${inside}/sql`, `${inside}/data`, `${inside}/parallel_schedule`], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`tar: ${r.stderr}`);
  rmSync(tarball);
  readable(part);
  writeFileSync(join(part, 'complete'), `${TARBALL}\n`);
  rmSync(root, { recursive: true, force: true });
  renameSync(part, root);
  chmodSync(root, 0o755);
  return dir;
}

/** GET with a few tries (the archive is a mirror network). */
async function download(url: string): Promise<Buffer> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** Makes a tree readable by every user (directories searchable). */
function readable(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const name of readdirSync(path)) readable(join(path, name));
}

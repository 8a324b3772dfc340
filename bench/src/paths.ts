/** Paths inside the bench package, independent of the working directory. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ */
export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** bench/data/: the recorded `real` workloads. */
export const DATA_DIR = resolve(BENCH_DIR, 'data');
/** bench/results/: default output directory (gitignored). */
export const RESULTS_DIR = resolve(BENCH_DIR, 'results');
/** bench/baseline.json: committed ratios the regression guard compares with. */
export const BASELINE_FILE = resolve(BENCH_DIR, 'baseline.json');
/** bench/results/cache/: result sets recorded from PostgreSQL, keyed by query and server version (reused by later runs). */
export const CACHE_DIR = resolve(RESULTS_DIR, 'cache');
/** Child-process scripts bundled from src/ (plain JS, so a child's memory is its own, not a TypeScript loader's). */
export const BUILD_DIR = resolve(BENCH_DIR, 'node_modules', '.cache', 'pgcodec-bench');

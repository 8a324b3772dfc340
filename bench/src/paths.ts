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

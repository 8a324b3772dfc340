/** Runs `fn` with the PGCODEC_ENGINE override lifted, so explicit `engine` options apply. */
export function unforced<T>(fn: () => T): T {
  const saved = process.env.PGCODEC_ENGINE;
  delete process.env.PGCODEC_ENGINE;
  try {
    return fn();
  } finally {
    if (saved !== undefined) process.env.PGCODEC_ENGINE = saved;
  }
}

// A CommonJS consumer under node16 semantics (no require of ES modules): import() it.
async function main(): Promise<string> {
  const pg = await import('pgcodec');
  const auth = await import('pgcodec/auth');
  const q: InstanceType<typeof pg.Query> = new pg.Query({ queryString: 'x' });
  return q.queryString + auth.md5Password('u', 'p', new Uint8Array(4));
}
export = main;

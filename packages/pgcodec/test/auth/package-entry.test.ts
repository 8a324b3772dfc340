/**
 * `pgcodec/auth` as users import it: the built entry point named in the
 * package's "exports" (run `npm run build` first, as `npm test` does).
 */
import { describe, expect, it } from 'vitest';
import * as built from 'pgcodec/auth';
import * as source from '../../src/auth/index.js';

describe('pgcodec/auth', () => {
  it('resolves to the build of src/auth, with the same exports', () => {
    expect(Object.keys(built).sort()).toEqual(Object.keys(source).sort());
  });

  it('works from the build', async () => {
    expect(built.md5Password('postgres', 'postgres', Uint8Array.of(1, 2, 3, 4))).toBe(source.md5Password('postgres', 'postgres', Uint8Array.of(1, 2, 3, 4)));
    const verifier = await built.scramVerifier('pw', { iterations: 2 });
    const client = new built.ScramClient({ password: 'pw' });
    const server = new built.ScramServer({ verifier, mechanism: client.mechanism });
    const serverFirst = server.serverFirstMessage(client.clientFirstMessage());
    client.verifyServerFinal(await server.serverFinalMessage(await client.clientFinalMessage(serverFirst)));
    expect(client.verified).toBe(true);
  });
});

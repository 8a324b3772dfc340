import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuthErrorCode,
  ScramClient,
  ScramServer,
  base64Decode,
  formatScramVerifier,
  parseScramVerifier,
  saslprepPassword,
  scramKeys,
  scramVerifier,
} from '../../src/auth/index.js';
import { postgresSecrets } from './fixtures.js';
import { authError, nodeScramSecret } from './support.js';

/** One full exchange; resolves if both sides accept. */
async function login(verifier: string, password: string | Uint8Array): Promise<void> {
  const server = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256' });
  const client = new ScramClient({ password });
  const serverFirst = server.serverFirstMessage(client.clientFirstMessage());
  client.verifyServerFinal(await server.serverFinalMessage(await client.clientFinalMessage(serverFirst)));
}

describe('scramVerifier', () => {
  it('equals the secret node:crypto computes with the same salt and iterations', async () => {
    for (const [password, iterations] of [
      ['pencil', 4096],
      ['', 1],
      ['correct horse battery staple', 10],
      ['x'.repeat(200), 2],
    ] as const) {
      const salt = new Uint8Array(randomBytes(16));
      expect(await scramVerifier(password, { salt, iterations })).toBe(nodeScramSecret(password, salt, iterations));
    }
  });

  it('hashes the SASLprep form of the password, or its raw bytes when SASLprep fails', async () => {
    const salt = new Uint8Array(randomBytes(16));
    expect(await scramVerifier('I\u00ADX', { salt, iterations: 2 })).toBe(nodeScramSecret('IX', salt, 2));
    expect(await scramVerifier('\u0627\u0031', { salt, iterations: 2 })).toBe(nodeScramSecret('\u0627\u0031', salt, 2));
    const latin1 = Uint8Array.of(0x70, 0xe9, 0x6e);
    expect(await scramVerifier(latin1, { salt, iterations: 2 })).toBe(nodeScramSecret(latin1, salt, 2));
  });

  it('defaults to 4096 iterations and a fresh 16-byte salt, like PostgreSQL', async () => {
    const a = parseScramVerifier(await scramVerifier('pw'));
    const b = parseScramVerifier(await scramVerifier('pw'));
    expect(a.iterations).toBe(4096);
    expect(a.salt).toHaveLength(16);
    expect(a.salt).not.toEqual(b.salt);
  });

  it.each([0, -1, 1.5, 2 ** 31, Number.NaN])('rejects %s iterations', async (iterations) => {
    await authError(() => scramVerifier('pw', { iterations }), AuthErrorCode.INVALID_ARGUMENT);
  });

  it('exposes the keys it is built from', async () => {
    const salt = new Uint8Array(randomBytes(16));
    const keys = await scramKeys(saslprepPassword('pencil'), salt, 3);
    expect(formatScramVerifier({ iterations: 3, salt, storedKey: keys.storedKey, serverKey: keys.serverKey })).toBe(
      nodeScramSecret('pencil', salt, 3),
    );
  });
});

describe('parseScramVerifier', () => {
  it('round-trips with formatScramVerifier', async () => {
    const text = await scramVerifier('pw', { iterations: 7 });
    const v = parseScramVerifier(text);
    expect(v.iterations).toBe(7);
    expect(v.storedKey).toHaveLength(32);
    expect(v.serverKey).toHaveLength(32);
    expect(formatScramVerifier(v)).toBe(text);
  });

  const good = 'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=';

  it('accepts the RFC 7677 example secret', () => {
    expect(parseScramVerifier(good).salt).toEqual(base64Decode('W22ZaJ0SNY7soEsUEjb6gQ=='));
  });

  it.each([
    ['md5 verifier', 'md5' + 'a'.repeat(32), 'not of the form'],
    ['plain password', 'pencil', 'not of the form'],
    ['other hash', good.replace('SHA-256', 'SHA-1'), 'not of the form'],
    ['missing ServerKey', good.slice(0, good.lastIndexOf(':')), 'not of the form'],
    ['negative iterations', good.replace('4096', '-1'), 'not of the form'],
    ['zero iterations', good.replace('4096', '0'), 'iteration count 0 out of range'],
    ['huge iterations', good.replace('4096', '99999999999'), 'out of range'],
    ['salt not base64', good.replace('W22ZaJ0SNY7soEsUEjb6gQ==', 'W22Z*J0SNY7soEsUEjb6gQ=='), 'salt is not valid base64'],
    ['StoredKey not base64', good.replace('WG5d8', 'WG5d!'), 'StoredKey is not valid base64'],
    ['ServerKey not base64', good.replace('wfPLw', 'wfPL!'), 'ServerKey is not valid base64'],
    ['short StoredKey', good.replace('WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=', 'WG5d'), 'must be 32 bytes'],
  ])('rejects a %s', async (_, text, why) => {
    const e = await authError(() => parseScramVerifier(text), AuthErrorCode.INVALID_VERIFIER);
    expect(e.message).toContain(why);
  });
});

describe('secrets PostgreSQL made', () => {
  it.each(postgresSecrets)('$role ($note): rebuilt exactly from its salt and iteration count', async ({ password, secret }) => {
    const { salt, iterations } = parseScramVerifier(secret);
    expect(await scramVerifier(password, { salt, iterations })).toBe(secret);
  });

  it.each(postgresSecrets)('$role: ScramServer lets ScramClient in with the password, not without', async ({ password, secret }) => {
    await login(secret, password);
    await authError(() => login(secret, password + 'x'), AuthErrorCode.INVALID_PROOF);
  });

  it('a secret built with node:crypto by PostgreSQL\'s algorithm works the same', async () => {
    const salt = new Uint8Array(randomBytes(16));
    const secret = nodeScramSecret('IX', salt, 4096); // what PostgreSQL stores for "I\u00ADX"
    await login(secret, 'I\u00ADX');
    await login(secret, '\u2168');
    await login(secret, 'IX');
    await authError(() => login(secret, 'ix'), AuthErrorCode.INVALID_PROOF);
  });
});

/**
 * RFC 7677 section 3: the SCRAM-SHA-256 example exchange, reproduced byte
 * for byte by ScramClient and ScramServer given the example's nonces, salt
 * and iteration count.
 */
import { describe, expect, it } from 'vitest';
import { ScramClient, ScramServer, base64Decode, scramVerifier } from '../../src/auth/index.js';
import { nodeScramSecret } from './support.js';

const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SALT = 'W22ZaJ0SNY7soEsUEjb6gQ==';

const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

describe('RFC 7677 SCRAM-SHA-256 test vector (user "user", password "pencil")', () => {
  it('the client sends the example client-first and client-final messages and accepts the server-final', async () => {
    const client = new ScramClient({ password: 'pencil', username: 'user', nonce: CLIENT_NONCE });
    expect(client.mechanism).toBe('SCRAM-SHA-256');
    expect(client.clientFirstMessage()).toBe(CLIENT_FIRST);
    expect(await client.clientFinalMessage(SERVER_FIRST)).toBe(CLIENT_FINAL);
    expect(client.verified).toBe(false);
    client.verifyServerFinal(SERVER_FINAL);
    expect(client.verified).toBe(true);
  });

  it('the server sends the example server-first and server-final messages', async () => {
    const verifier = await scramVerifier('pencil', { salt: base64Decode(SALT), iterations: 4096 });
    expect(verifier).toBe(nodeScramSecret('pencil', base64Decode(SALT), 4096));
    const server = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', nonce: SERVER_NONCE });
    expect(server.serverFirstMessage(CLIENT_FIRST)).toBe(SERVER_FIRST);
    expect(await server.serverFinalMessage(CLIENT_FINAL)).toBe(SERVER_FINAL);
  });

  it('PostgreSQL-style: the empty user name changes the AuthMessage, not the keys', async () => {
    const verifier = await scramVerifier('pencil', { salt: base64Decode(SALT) });
    const server = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', nonce: SERVER_NONCE });
    const client = new ScramClient({ password: 'pencil', nonce: CLIENT_NONCE });
    const first = client.clientFirstMessage();
    expect(first).toBe('n,,n=,r=rOprNGfwEbeRWgbNEkqO');
    const serverFirst = server.serverFirstMessage(first);
    expect(serverFirst).toBe(SERVER_FIRST);
    const final = await client.clientFinalMessage(serverFirst);
    expect(final).not.toBe(CLIENT_FINAL);
    client.verifyServerFinal(await server.serverFinalMessage(final));
    expect(client.verified).toBe(true);
  });
});

import { X509Certificate, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode, ScramClient, ScramServer, scramVerifier, tlsServerEndPointHash, tlsServerEndPointHashAlgorithm } from '../../src/auth/index.js';
import { certificates } from './fixtures.js';
import { authError } from './support.js';

const nodeHash = (alg: string, b: Uint8Array): Uint8Array => new Uint8Array(createHash(alg).update(b).digest());

describe('tlsServerEndPointHash on real certificates', () => {
  it('ecdsa-with-SHA256: SHA-256, the certificate fingerprint', async () => {
    const der = certificates.ecdsaSha256;
    expect(tlsServerEndPointHashAlgorithm(der)).toBe('SHA-256');
    const hash = await tlsServerEndPointHash(der);
    expect(hash).toEqual(nodeHash('sha256', der));
    expect(Buffer.from(hash).toString('hex').toUpperCase()).toBe(new X509Certificate(der).fingerprint256.replace(/:/g, ''));
  });

  it('ecdsa-with-SHA384: SHA-384', async () => {
    expect(tlsServerEndPointHashAlgorithm(certificates.ecdsaSha384)).toBe('SHA-384');
    expect(await tlsServerEndPointHash(certificates.ecdsaSha384)).toEqual(nodeHash('sha384', certificates.ecdsaSha384));
  });

  it('sha512WithRSAEncryption: SHA-512', async () => {
    expect(tlsServerEndPointHashAlgorithm(certificates.rsaSha512)).toBe('SHA-512');
    expect(await tlsServerEndPointHash(certificates.rsaSha512)).toEqual(nodeHash('sha512', certificates.rsaSha512));
  });

  it('ecdsa-with-SHA1: SHA-256 instead of SHA-1 (RFC 5929 section 4.1)', async () => {
    expect(tlsServerEndPointHashAlgorithm(certificates.ecdsaSha1)).toBe('SHA-256');
    expect(await tlsServerEndPointHash(certificates.ecdsaSha1)).toEqual(nodeHash('sha256', certificates.ecdsaSha1));
  });

  it('Ed25519: no hash defined, unless the caller names one', async () => {
    const e = await authError(() => tlsServerEndPointHash(certificates.ed25519), AuthErrorCode.UNSUPPORTED);
    expect(e.message).toContain('1.3.101.112');
    expect(await tlsServerEndPointHash(certificates.ed25519, 'SHA-256')).toEqual(nodeHash('sha256', certificates.ed25519));
  });

  it('binds a SCRAM-SHA-256-PLUS exchange when both sides hash the same certificate', async () => {
    const data = await tlsServerEndPointHash(certificates.ecdsaSha384);
    const verifier = await scramVerifier('pw', { iterations: 8 });
    const client = new ScramClient({ password: 'pw', channelBinding: { type: 'tls-server-end-point', data } });
    const server = new ScramServer({ verifier, mechanism: client.mechanism, channelBinding: { type: 'tls-server-end-point', data } });
    const serverFirst = server.serverFirstMessage(client.clientFirstMessage());
    client.verifyServerFinal(await server.serverFinalMessage(await client.clientFinalMessage(serverFirst)));
    expect(client.verified).toBe(true);
  });
});

/** DER: tag, definite length (short or long form), content. */
function tlv(tag: number, ...content: (number[] | Uint8Array)[]): number[] {
  const body = content.flatMap((c) => [...c]);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [tag, ...len, ...body];
}

/** An OID's DER content. */
function oid(dotted: string): number[] {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const arc of [a! * 40 + b!, ...rest]) {
    const bytes = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return out;
}

/** A certificate skeleton: SEQUENCE { tbs SEQUENCE, AlgorithmIdentifier, BIT STRING }. */
function cert(algorithm: number[], tbsLength = 3): Uint8Array {
  return Uint8Array.from(tlv(0x30, tlv(0x30, new Array(tbsLength).fill(0)), tlv(0x30, algorithm), tlv(0x03, [0, 1, 2])));
}

describe('tlsServerEndPointHashAlgorithm on constructed DER', () => {
  it.each([
    ['1.2.840.113549.1.1.4', 'SHA-256'], // md5WithRSAEncryption
    ['1.2.840.113549.1.1.5', 'SHA-256'], // sha1WithRSAEncryption
    ['1.3.14.3.2.29', 'SHA-256'], // sha1WithRSASignature
    ['1.2.840.10040.4.3', 'SHA-256'], // dsa-with-sha1
    ['1.2.840.113549.1.1.11', 'SHA-256'],
    ['1.2.840.113549.1.1.12', 'SHA-384'],
    ['1.2.840.10045.4.3.4', 'SHA-512'],
    ['2.16.840.1.101.3.4.3.2', 'SHA-256'], // dsa-with-sha256: first arc 2
  ])('%s -> %s', (dotted, hash) => {
    expect(tlsServerEndPointHashAlgorithm(cert(tlv(0x06, oid(dotted))))).toBe(hash);
    expect(tlsServerEndPointHashAlgorithm(cert([...tlv(0x06, oid(dotted)), 0x05, 0x00], 300))).toBe(hash); // NULL parameters, long-form tbs length
  });

  it('reports RSASSA-PSS (hash inside parameters) as unsupported', async () => {
    const e = await authError(() => tlsServerEndPointHashAlgorithm(cert(tlv(0x06, oid('1.2.840.113549.1.1.10')))), AuthErrorCode.UNSUPPORTED);
    expect(e.message).toContain('1.2.840.113549.1.1.10');
  });

  const notDer: [string, number[]][] = [
    ['empty input', []],
    ['not a SEQUENCE', [0x31, 0x00]],
    ['length past the end', [0x30, 0x05, 0x30, 0x00]],
    ['indefinite length', [0x30, 0x80, 0x00, 0x00]],
    ['a 5-byte length', [0x30, 0x85, 0, 0, 0, 0, 1]],
    ['long-form length bytes past the end', [0x30, 0x82, 0x01]],
    ['no AlgorithmIdentifier', tlv(0x30, tlv(0x30, []))],
    ['AlgorithmIdentifier without an OID', tlv(0x30, tlv(0x30, []), tlv(0x30, tlv(0x05, [])))],
    ['an empty OID', tlv(0x30, tlv(0x30, []), tlv(0x30, tlv(0x06, [])))],
    ['an OID cut inside a subidentifier', tlv(0x30, tlv(0x30, []), tlv(0x30, tlv(0x06, [0x2a, 0x86])))],
  ];
  it.each(notDer)('rejects %s', async (_, bytes) => {
    const e = await authError(() => tlsServerEndPointHashAlgorithm(Uint8Array.from(bytes)), AuthErrorCode.UNSUPPORTED);
    expect(e.message).toContain('not DER');
  });
});

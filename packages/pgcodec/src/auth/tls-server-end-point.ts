/**
 * tls-server-end-point channel-binding data (RFC 5929 section 4.1): a hash
 * of the server's certificate (DER), with the hash function of the
 * certificate's signature algorithm, except that MD5 and SHA-1 become
 * SHA-256. Both sides compute it from the same certificate: the server from
 * its own, the client from the one the TLS handshake presented (Node:
 * tlsSocket.getPeerX509Certificate().raw; browsers cannot see it).
 *
 * Algorithms without a single hash (Ed25519, Ed448) have no binding defined;
 * RSASSA-PSS keeps its hash in parameters this reader does not parse. For
 * those, pass `hash` explicitly if the peer is known to agree.
 */
import { AuthError, AuthErrorCode } from './errors.js';
import { digest } from './webcrypto.js';

/** A hash tls-server-end-point data can be made with, by its WebCrypto name. */
export type TlsServerEndPointHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Signature algorithm OIDs (RFC 3279, 4055, 5758) -> the hash RFC 5929 prescribes. */
const HASH_BY_SIGNATURE: Record<string, TlsServerEndPointHash> = {
  '1.2.840.113549.1.1.4': 'SHA-256', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5': 'SHA-256', // sha1WithRSAEncryption
  '1.3.14.3.2.29': 'SHA-256', // sha1WithRSASignature (OIW)
  '1.2.840.10040.4.3': 'SHA-256', // dsa-with-sha1
  '1.2.840.10045.4.1': 'SHA-256', // ecdsa-with-SHA1
  '1.2.840.113549.1.1.11': 'SHA-256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'SHA-384', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13': 'SHA-512', // sha512WithRSAEncryption
  '1.2.840.10045.4.3.2': 'SHA-256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'SHA-384', // ecdsa-with-SHA384
  '1.2.840.10045.4.3.4': 'SHA-512', // ecdsa-with-SHA512
  '2.16.840.1.101.3.4.3.2': 'SHA-256', // dsa-with-sha256
};

/** The channel-binding data for SCRAM-SHA-256-PLUS: the certificate's hash. */
export async function tlsServerEndPointHash(certDer: Uint8Array, hash?: TlsServerEndPointHash): Promise<Uint8Array> {
  return digest(hash ?? tlsServerEndPointHashAlgorithm(certDer), certDer);
}

/** Which hash RFC 5929 prescribes for this certificate; throws AuthError(UNSUPPORTED) when it cannot tell. */
export function tlsServerEndPointHashAlgorithm(certDer: Uint8Array): TlsServerEndPointHash {
  const oid = signatureAlgorithm(certDer);
  const hash = HASH_BY_SIGNATURE[oid];
  if (hash === undefined) {
    throw new AuthError(AuthErrorCode.UNSUPPORTED, `no tls-server-end-point hash known for certificate signature algorithm ${oid}`);
  }
  return hash;
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm
 * AlgorithmIdentifier, signatureValue }, AlgorithmIdentifier ::= SEQUENCE
 * { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }. Returns the
 * algorithm in dotted form.
 */
function signatureAlgorithm(der: Uint8Array): string {
  const cert = readTlv(der, 0, der.length, 0x30);
  const tbs = readTlv(der, cert.start, cert.end, 0x30);
  const algId = readTlv(der, tbs.end, cert.end, 0x30);
  const oid = readTlv(der, algId.start, algId.end, 0x06);
  return oidText(der.subarray(oid.start, oid.end));
}

interface Tlv {
  /** First content byte. */
  start: number;
  /** One past the last content byte. */
  end: number;
}

/** Reads one DER tag-length-value at `at` that must have tag `tag` and fit before `limit`. */
function readTlv(b: Uint8Array, at: number, limit: number, tag: number): Tlv {
  if (at + 2 > limit || b[at] !== tag) throw notDer();
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    // Long form: the low bits count the length bytes that follow (at most 4 here).
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw notDer();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > limit) throw notDer();
  return { start, end: start + len };
}

function oidText(b: Uint8Array): string {
  if (b.length === 0) throw notDer();
  const parts: number[] = [];
  let v = 0;
  for (const x of b) {
    v = v * 128 + (x & 0x7f);
    if ((x & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  if (b[b.length - 1]! & 0x80) throw notDer();
  // The first subidentifier packs the first two arcs: 40 * X + Y.
  const first = parts[0]!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts.slice(1)].join('.');
}

function notDer(): AuthError {
  return new AuthError(AuthErrorCode.UNSUPPORTED, 'the certificate is not DER that this reader understands');
}

/**
 * SASLprep (RFC 4013): the stringprep profile SCRAM applies to passwords,
 * with the choices PostgreSQL's pg_saslprep makes:
 *
 *   - a character both in C.1.2 and B.1 (U+200B) maps to SPACE, not to nothing;
 *   - unassigned code points (A.1) are prohibited, as for stored strings;
 *   - an empty result is prohibited.
 *
 * And, for passwords, PostgreSQL's fallback: when the password is not valid
 * UTF-8 or SASLprep rejects it, the raw bytes are used unchanged. Both the
 * client and the server (when it builds a verifier) do this, so any byte
 * string can be a password.
 */
import { toBytes, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { A_1, B_1, C_1_2, D_1, D_2, PROHIBITED, inRanges } from './stringprep-tables.js';

/**
 * Prepares `input` per RFC 4013 (see above for PostgreSQL's choices).
 * Throws AuthError(SASLPREP) if the string is prohibited.
 */
export function saslprep(input: string): string {
  // 1. Map: non-ASCII spaces to SPACE, "commonly mapped to nothing" removed.
  let mapped = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0)!;
    if (inRanges(C_1_2, cp)) mapped += ' ';
    else if (!inRanges(B_1, cp)) mapped += ch;
  }
  if (mapped === '') throw rejected('the string is empty after mapping');

  // 2. Normalize with Unicode normalization form KC.
  const out = mapped.normalize('NFKC');
  const cps = Array.from(out, (ch) => ch.codePointAt(0)!);

  // 3. Prohibit.
  for (const cp of cps) {
    if (inRanges(PROHIBITED, cp)) throw rejected(`prohibited character ${u(cp)}`);
    if (inRanges(A_1, cp)) throw rejected(`unassigned code point ${u(cp)}`);
  }

  // 4. Bidi (RFC 3454 section 6): with any RandALCat character, no LCat
  // character, and RandALCat first and last.
  if (cps.some((cp) => inRanges(D_1, cp))) {
    const l = cps.find((cp) => inRanges(D_2, cp));
    if (l !== undefined) throw rejected(`left-to-right ${u(l)} mixed with right-to-left characters`);
    if (!inRanges(D_1, cps[0]!) || !inRanges(D_1, cps[cps.length - 1]!)) {
      throw rejected('a right-to-left string must begin and end with a right-to-left character');
    }
  }
  return out;
}

/**
 * The bytes PostgreSQL feeds to PBKDF2 for a SCRAM password: the UTF-8 of
 * saslprep(password) if the password is valid UTF-8 and allowed, else the
 * password's raw bytes. A string is taken as its UTF-8 encoding (a lone
 * surrogate becomes U+FFFD, as TextEncoder does).
 */
export function saslprepPassword(password: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const raw = toBytes(password);
  // Pure ASCII never changes (PostgreSQL's shortcut): the only ASCII that
  // SASLprep rejects is control characters and "", whose fallback is the raw input anyway.
  if (raw.every((b) => b < 0x80)) return raw;
  const text = utf8DecodeStrict(raw);
  if (text === null) return raw;
  try {
    return utf8Encode(saslprep(text));
  } catch {
    return raw;
  }
}

function u(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}

function rejected(why: string): AuthError {
  return new AuthError(AuthErrorCode.SASLPREP, `SASLprep: ${why}`);
}

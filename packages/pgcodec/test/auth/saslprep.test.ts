import { describe, expect, it } from 'vitest';
import { AuthError, AuthErrorCode, saslprep, saslprepPassword } from '../../src/auth/index.js';
import { A_1, B_1, C_1_2, D_1, D_2, PROHIBITED, inRanges, type CodePointRanges } from '../../src/auth/stringprep-tables.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function rejection(input: string): string {
  try {
    saslprep(input);
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).code).toBe(AuthErrorCode.SASLPREP);
    return (e as AuthError).message;
  }
  throw new Error(`saslprep(${JSON.stringify(input)}) did not fail`);
}

describe('saslprep: RFC 4013 section 3 examples', () => {
  it.each([
    ['I\u00ADX', 'IX', 'SOFT HYPHEN mapped to nothing'],
    ['user', 'user', 'no transformation'],
    ['USER', 'USER', 'case preserved, will not match #2'],
    ['\u00AA', 'a', 'output is NFKC, input in ISO 8859-1'],
    ['\u2168', 'IX', 'output is NFKC, will match #1'],
  ])('%j -> %j (%s)', (input, output) => {
    expect(saslprep(input)).toBe(output);
  });

  it('"\\u0007": error, prohibited character', () => {
    expect(rejection('\u0007')).toContain('prohibited character U+0007');
  });

  it('"\\u0627\\u0031": error, bidirectional check', () => {
    expect(rejection('\u0627\u0031')).toContain('must begin and end with a right-to-left character');
  });
});

describe('saslprep: each step', () => {
  it('maps non-ASCII spaces (C.1.2) to SPACE, U+200B included as PostgreSQL does', () => {
    expect(saslprep('a\u00A0b\u3000c\u2000d')).toBe('a b c d');
    expect(saslprep('\u200Bx\u00A0y')).toBe(' x y');
  });

  it('removes "commonly mapped to nothing" (B.1) characters', () => {
    expect(saslprep('a\u034Fb\u180Bc\u200Dd\uFE0Fe\uFEFFf')).toBe('abcdef');
  });

  it('rejects a string that maps to nothing', () => {
    expect(rejection('\u00AD\uFEFF')).toContain('empty after mapping');
    expect(rejection('')).toContain('empty after mapping');
  });

  it('normalizes with NFKC', () => {
    expect(saslprep('\uFB01')).toBe('fi');
    expect(saslprep('\uFF21')).toBe('A');
    expect(saslprep('e\u0301')).toBe('\u00E9');
    expect(saslprep('\u1100\u1161')).toBe('\uAC00');
  });

  it.each([
    ['a\u007Fb', 'U+007F'], // C.2.1
    ['a\u0085', 'U+0085'], // C.2.2
    ['\u2028', 'U+2028'], // C.2.2
    ['x\uE000', 'U+E000'], // C.3
    ['x\u{10FFFD}', 'U+10FFFD'], // C.3
    ['x\uFDD0', 'U+FDD0'], // C.4
    ['x\u{1FFFE}', 'U+1FFFE'], // C.4
    ['x\uD800', 'U+D800'], // C.5 (a lone surrogate in a JS string)
    ['x\uFFFD', 'U+FFFD'], // C.6
    ['x\u2FF0', 'U+2FF0'], // C.7
    ['x\u200E', 'U+200E'], // C.8
    ['x\u{E0041}', 'U+E0041'], // C.9
  ])('prohibits %j (%s)', (input, cp) => {
    expect(rejection(input)).toContain(`prohibited character ${cp}`);
  });

  it('prohibits code points unassigned in Unicode 3.2 (A.1), even ones assigned since', () => {
    expect(rejection('x\u0221')).toContain('unassigned code point U+0221');
    expect(rejection('\u{1F600}')).toContain('unassigned code point U+1F600');
  });

  it('applies the bidi rules (RFC 3454 section 6)', () => {
    expect(saslprep('\u05D0\u05D1')).toBe('\u05D0\u05D1');
    expect(saslprep('\u0627 1 \u0628')).toBe('\u0627 1 \u0628'); // neutral characters inside are fine
    expect(rejection('\u0627a\u0628')).toContain('left-to-right U+0061 mixed with right-to-left');
    expect(rejection('1\u0627')).toContain('must begin and end');
  });
});

describe('saslprepPassword: what PostgreSQL hashes', () => {
  it('prepares valid, allowed UTF-8', () => {
    expect(saslprepPassword('I\u00ADX')).toEqual(utf8('IX'));
    expect(saslprepPassword(utf8('\u2168'))).toEqual(utf8('IX'));
  });

  it('keeps ASCII as it is, control characters and "" included', () => {
    expect(saslprepPassword('pencil')).toEqual(utf8('pencil'));
    expect(saslprepPassword('\u0007')).toEqual(Uint8Array.of(7));
    expect(saslprepPassword('')).toEqual(new Uint8Array(0));
  });

  it('falls back to the raw bytes when SASLprep fails', () => {
    expect(saslprepPassword('\u0627\u0031')).toEqual(utf8('\u0627\u0031'));
    expect(saslprepPassword('a\u0007\u00E9')).toEqual(utf8('a\u0007\u00E9'));
    expect(saslprepPassword('\u00AD')).toEqual(utf8('\u00AD'));
  });

  it('falls back to the raw bytes when they are not UTF-8', () => {
    const latin1 = Uint8Array.of(0x70, 0xe9, 0x6e); // "pén" in LATIN1
    expect(saslprepPassword(latin1)).toEqual(latin1);
    expect(saslprepPassword(Uint8Array.of(0xed, 0xa0, 0x80))).toEqual(Uint8Array.of(0xed, 0xa0, 0x80)); // encoded surrogate
  });

  it('keeps a leading byte-order mark for SASLprep to remove (B.1), as PostgreSQL does', () => {
    expect(saslprepPassword(utf8('\uFEFFp\u00E9'))).toEqual(utf8('p\u00E9'));
  });

  it('encodes a lone surrogate as U+FFFD (as TextEncoder does), which is then prohibited', () => {
    expect(saslprepPassword('\uD800')).toEqual(Uint8Array.of(0xef, 0xbf, 0xbd));
  });

  it('does not alter the caller\'s bytes', () => {
    const input = utf8('I\u00ADX');
    const copy = input.slice();
    saslprepPassword(input);
    expect(input).toEqual(copy);
  });
});

describe('stringprep tables', () => {
  const tables: [string, CodePointRanges][] = [
    ['A.1', A_1],
    ['B.1', B_1],
    ['C.1.2', C_1_2],
    ['prohibited', PROHIBITED],
    ['D.1', D_1],
    ['D.2', D_2],
  ];

  it.each(tables)('%s is sorted, non-overlapping ranges within Unicode', (_, t) => {
    expect(t.length % 2).toBe(0);
    for (let i = 0; i < t.length; i += 2) {
      expect(t[i]!).toBeLessThanOrEqual(t[i + 1]!);
      if (i > 0) expect(t[i]!).toBeGreaterThan(t[i - 1]! + 1);
    }
    expect(t[t.length - 1]!).toBeLessThanOrEqual(0x10ffff);
  });

  const first = (t: CodePointRanges): number[] => [t[0]!, t[1]!];
  const last = (t: CodePointRanges): number[] => [t[t.length - 2]!, t[t.length - 1]!];

  it('begin and end where the RFC 3454 tables do', () => {
    expect(first(A_1)).toEqual([0x0221, 0x0221]);
    expect(last(A_1)).toEqual([0xe0080, 0xefffd]);
    expect(first(D_1)).toEqual([0x05be, 0x05be]);
    expect(last(D_1)).toEqual([0xfe76, 0xfefc]);
    expect(first(D_2)).toEqual([0x0041, 0x005a]);
    expect(last(D_2)).toEqual([0x100000, 0x10fffd]);
    expect(A_1.length / 2).toBe(396);
    expect(D_1.length / 2).toBe(34);
    expect(D_2.length / 2).toBe(360);
  });

  it('classify sample code points', () => {
    expect(inRanges(A_1, 0x0234)).toBe(true);
    expect(inRanges(A_1, 0x0233)).toBe(false);
    expect(inRanges(A_1, 0xfdd0)).toBe(false); // a noncharacter (C.4), not "unassigned"
    expect(inRanges(D_1, 0x0644)).toBe(true);
    expect(inRanges(D_1, 0x0041)).toBe(false);
    expect(inRanges(D_2, 0x00e9)).toBe(true);
    expect(inRanges(D_2, 0x05d0)).toBe(false);
    expect(inRanges(PROHIBITED, 0x0020)).toBe(false);
    expect(inRanges(PROHIBITED, 0x0000)).toBe(true);
    expect(inRanges(PROHIBITED, 0x10ffff)).toBe(true);
  });
});

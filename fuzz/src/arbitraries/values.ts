/**
 * Field values for message constructors: valid ones (what the wire carries
 * faithfully), or — `hostile` — valid ones mixed with what it cannot carry:
 * NULs in strings, lone surrogates, integers past their Int16/Int32/UInt32,
 * non-integers, counts past 65535, wrong JavaScript types.
 */
import fc from 'fast-check';

export class Values {
  constructor(
    /** Mix in what the wire cannot carry (about one value in four). */
    readonly hostile = false,
  ) {}

  private mix<T>(valid: fc.Arbitrary<T>, bad: readonly unknown[]): fc.Arbitrary<T> {
    if (!this.hostile) return valid;
    return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...bad) as fc.Arbitrary<T> });
  }

  /** A String field: any text without NUL, non-ASCII and astral characters included. */
  text(): fc.Arbitrary<string> {
    const valid = fc.oneof(
      fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')),
      fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !s.includes('\0')),
      fc.constantFrom('', 'héllo', '😀', 'SELECT 1', 'x'.repeat(100)),
    );
    return this.mix(valid, ['a\0b', '\0', 'x\uD800', '\uDC00y', 42, null]);
  }

  /** A name in a list that an empty string would end (startup parameters, SASL mechanisms). */
  name(): fc.Arbitrary<string> {
    return this.mix(
      this.text().filter((s) => s !== ''),
      [''],
    );
  }

  private int(min: number, max: number): fc.Arbitrary<number> {
    const valid = fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max, 0 >= min && 0 <= max ? 0 : min));
    return this.mix(valid, [min - 1, max + 1, NaN, Infinity, -Infinity, 0.5, 2 ** 32 + 5, -(2 ** 53), '7', 3n]);
  }

  /** Int16, signed. */
  int16 = (): fc.Arbitrary<number> => this.int(-32768, 32767);
  /** Int32, signed. */
  int32 = (): fc.Arbitrary<number> => this.int(-(2 ** 31), 2 ** 31 - 1);
  /** An OID: Int32 read unsigned. */
  oid = (): fc.Arbitrary<number> => this.int(0, 2 ** 32 - 1);
  /** A format code: 0 text, 1 binary. */
  format = (): fc.Arbitrary<number> => this.int(0, 1);

  /** Byten (bytes, or a string the constructor encodes as UTF-8). */
  bytes(max = 40): fc.Arbitrary<Uint8Array | string> {
    const valid = fc.oneof(fc.uint8Array({ maxLength: max }), fc.string({ maxLength: 8 }));
    return this.mix(valid, [42, 'x\uD800', undefined, {}]);
  }

  /** A nullable value (Bind parameter, DataRow column, function argument). */
  value(): fc.Arbitrary<Uint8Array | string | null> {
    return fc.oneof(fc.constant(null), this.bytes(12));
  }

  /** A list counted by an Int16: short ones, now and then 65535 items, and (hostile) one past the count's reach. */
  list<T>(item: fc.Arbitrary<T>, filler: T): fc.Arbitrary<T[]> {
    const valid = fc.oneof({ weight: 60, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.constant(Array<T>(65535).fill(filler)) });
    if (!this.hostile) return valid;
    return fc.oneof({ weight: 15, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(Array<T>(65536).fill(filler), 'nope' as unknown as T[]) });
  }

  /** A cancel key: 4 bytes (protocol 3.0) to 256 (3.2). */
  key(): fc.Arbitrary<Uint8Array> {
    const valid = fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 4, maxLength: 256 }));
    return this.mix(valid, [new Uint8Array(0), new Uint8Array(3), new Uint8Array(257), 'abcd']);
  }

  /** One of `valid`, or (hostile) one of `bad`. */
  oneOf<T>(valid: readonly T[], bad: readonly unknown[]): fc.Arbitrary<T> {
    return this.mix(fc.constantFrom(...valid), bad);
  }
}

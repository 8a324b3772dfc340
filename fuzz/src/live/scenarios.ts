/**
 * What the hostile server does to a client, one scenario per connection
 * (named by the client's database parameter, or drawn from the seed).
 * Valid-but-unusual answers a correct client must handle, then mutated
 * ones it must refuse cleanly:
 *
 *   normal            the control: one int4 row, all ordinary
 *   huge-row          one text value of 16 MiB
 *   many-columns      1600 columns (PostgreSQL's MaxTupleAttributeNumber is 1664)
 *   many-rows         100000 rows
 *   notices           a NoticeResponse before every message
 *   parameter-storm   10000 ParameterStatus at startup and before every ReadyForQuery
 *   negotiate         NegotiateProtocolVersion (3.0, an option unknown) before authentication
 *   long-key          a 256-byte BackendKeyData key in a 3.0 session
 *   split             every answer written one byte at a time
 *   error-fields      the query fails with an ErrorResponse of odd fields (no SQLSTATE, a 20000-character message, unknown codes)
 *   odd-auth-*        Kerberos V5, SSPI, GSS, SASL with only an unknown mechanism, MD5 then cleartext (a downgrade)
 *   extra-rfq         two ReadyForQuery for one query
 *   wide-datarow      a row with two columns more than its RowDescription says
 *   unknown-message   a message of an unknown type ('~') before the result
 *   mutated           the first answer's bytes with two mutations (malformed()), then the connection closed
 *   truncated         the result cut off mid-message, then the connection closed
 */
import {
  AuthenticationGSS,
  AuthenticationKerberosV5,
  AuthenticationMD5Password,
  AuthenticationCleartextPassword,
  AuthenticationSASL,
  AuthenticationSSPI,
  FieldDescription,
  NegotiateProtocolVersion,
  NoticeResponse,
  ParameterStatus,
  ErrorResponse,
  type PgMessage,
} from 'pgcodec';

/** What a query returns in a scenario. */
export interface Result {
  fields: FieldDescription[];
  rows: (string | null)[][];
}

export interface Scenario {
  name: string;
  /** The authentication requests, in order (each but the last waits for the client's answer); none: AuthenticationOk at once. */
  auth?: () => PgMessage[];
  /** Whether authentication ends in AuthenticationOk (false: the requests are all the client gets, then the connection closes). */
  authSucceeds?: boolean;
  /** Messages before authentication (after the StartupMessage). */
  beforeAuth?: () => PgMessage[];
  /** Extra messages after AuthenticationOk, before BackendKeyData. */
  afterAuth?: () => PgMessage[];
  /** The secret key's length (default 4 for 3.0, 32 for 3.2). */
  keyLength?: number;
  result?: () => Result;
  /** The query fails with this error instead. */
  error?: () => ErrorResponse;
  /** Wraps each message of the answers: e.g. a notice before each. */
  around?: (m: PgMessage) => PgMessage[];
  /** Extra messages before every ReadyForQuery. */
  beforeReady?: () => PgMessage[];
  /** What is done to the bytes of a query's answer. */
  bytes?: 'split' | 'mutated' | 'truncated' | 'extra-rfq' | 'wide-datarow' | 'unknown-message';
}

const int4 = (name: string) => new FieldDescription({ name, typeOid: 23, typeSize: 4 });
const text = (name: string) => new FieldDescription({ name, typeOid: 25, typeSize: -1 });
const notice = () => new NoticeResponse({ fields: { S: 'NOTICE', V: 'NOTICE', C: '00000', M: 'pgcodec-fuzz says hello' } });
const storm = (n: number) => Array.from({ length: n }, (_, i) => new ParameterStatus({ name: `fuzz.p${i}`, value: String(i) }));

/** The control result: `SELECT 1 AS x`. */
export const ONE: Result = { fields: [int4('x')], rows: [['1']] };

export const SCENARIOS: readonly Scenario[] = [
  { name: 'normal' },
  { name: 'huge-row', result: () => ({ fields: [text('x')], rows: [['y'.repeat(16 << 20)]] }) },
  {
    name: 'many-columns',
    result: () => ({ fields: Array.from({ length: 1600 }, (_, i) => int4(`c${i}`)), rows: [Array.from({ length: 1600 }, (_, i) => String(i))] }),
  },
  { name: 'many-rows', result: () => ({ fields: [int4('x')], rows: Array.from({ length: 100_000 }, (_, i) => [String(i)]) }) },
  { name: 'notices', around: (m) => [notice(), m] },
  { name: 'parameter-storm', afterAuth: () => storm(10_000), beforeReady: () => storm(10_000) },
  { name: 'negotiate', beforeAuth: () => [new NegotiateProtocolVersion({ newestMinor: 0, unrecognized: ['_pq_.fuzz'] })] },
  { name: 'long-key', keyLength: 256 },
  { name: 'split', bytes: 'split' },
  {
    name: 'error-fields',
    error: () => new ErrorResponse({ fields: { S: 'ERROR', M: 'm'.repeat(20_000), '!': 'an unknown field', q: 'SELECT 1', P: 'not a number' } }),
  },
  { name: 'odd-auth-kerberos', auth: () => [new AuthenticationKerberosV5()], authSucceeds: false },
  { name: 'odd-auth-sspi', auth: () => [new AuthenticationSSPI()], authSucceeds: false },
  { name: 'odd-auth-gss', auth: () => [new AuthenticationGSS()], authSucceeds: false },
  { name: 'odd-auth-sasl', auth: () => [new AuthenticationSASL({ mechanisms: ['X-PGCODEC-FUZZ'] })], authSucceeds: false },
  {
    name: 'odd-auth-downgrade',
    auth: () => [new AuthenticationMD5Password({ salt: Uint8Array.of(1, 2, 3, 4) }), new AuthenticationCleartextPassword()],
    authSucceeds: true,
  },
  { name: 'extra-rfq', bytes: 'extra-rfq' },
  { name: 'wide-datarow', bytes: 'wide-datarow' },
  { name: 'unknown-message', bytes: 'unknown-message' },
  { name: 'mutated', bytes: 'mutated' },
  { name: 'truncated', bytes: 'truncated' },
];

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/**
 * Authentication: the server's 'R' requests (told apart by an Int32 code)
 * and the client's 'p' answers (told apart by the authentication phase).
 *
 *   'R' Int32 len | Int32 code | ...
 *     0  AuthenticationOk
 *     2  AuthenticationKerberosV5
 *     3  AuthenticationCleartextPassword
 *     5  AuthenticationMD5Password     Byte4 salt
 *     7  AuthenticationGSS
 *     8  AuthenticationGSSContinue     Byten data
 *     9  AuthenticationSSPI
 *    10  AuthenticationSASL            (String mechanism)* Byte1 0
 *    11  AuthenticationSASLContinue    Byten data
 *    12  AuthenticationSASLFinal       Byten data
 *
 *   'p' Int32 len | String password                              PasswordMessage
 *   'p' Int32 len | String mechanism | Int32 n (-1: none) | Byten  SASLInitialResponse
 *   'p' Int32 len | Byten data                                   SASLResponse, GSSResponse (auth data)
 */
import { ErrorCode } from '../errors.js';
import type { Reader } from '../wire/reader.js';
import { show, type Writer } from '../wire/writer.js';
import { BackendMessage, FrontendMessage, defineMessage, toBytes, frozen } from './base.js';
import { AuthCode, BackendCode, FrontendCode } from './codes.js';

/** Every 'R' message; `authCode` is the Int32 that follows the length. */
export abstract class Authentication extends BackendMessage {
  /** The Int32 request code after the length (AuthCode). */
  declare readonly authCode: number;

  writePayload(w: Writer): void {
    w.int32(this.authCode);
    this.writeData(w);
  }

  /** Writes what follows the code. */
  writeData(_w: Writer): void {}

  /** Reads any 'R' payload, choosing the class by its code. */
  static read(r: Reader): Authentication {
    return readAuthentication(r);
  }
}

/** Checks the request code at the front of an 'R' payload. */
function expectAuthCode(r: Reader, code: number): void {
  const at = r.pos;
  const got = r.i32('authentication code');
  if (got !== code) r.fail(ErrorCode.UNKNOWN_AUTH_CODE, `authentication code ${got} where ${code} was expected`, at);
}

function defineAuth(cls: abstract new (...a: never[]) => Authentication, name: string, code: number): void {
  defineMessage(cls, name, BackendCode.Authentication, 'backend');
  Object.defineProperty(cls.prototype, 'authCode', { value: code, enumerable: false });
}

/** Declares an 'R' request that is only its code, and its frozen singleton. */
function codeOnly<N extends string>(type: N, code: number) {
  const cls = class extends Authentication {
    declare readonly type: N;
    /** Checks the payload is this request's code alone; returns the shared frozen instance. */
    static override read(r: Reader): Authentication & {
      /** This request's name. */
      readonly type: N
    } {
      expectAuthCode(r, code);
      return instance;
    }
  };
  Object.defineProperty(cls, 'name', { value: type });
  defineAuth(cls, type, code);
  const instance = frozen(new cls());
  return cls;
}

/**
 * 'R' code 0: authentication succeeded.
 * @class
 */
export const AuthenticationOk = codeOnly('AuthenticationOk', AuthCode.Ok);
export type AuthenticationOk = InstanceType<typeof AuthenticationOk>;
/**
 * 'R' code 2: Kerberos V5 authentication, which PostgreSQL no longer supports.
 * @class
 */
export const AuthenticationKerberosV5 = codeOnly('AuthenticationKerberosV5', AuthCode.KerberosV5);
export type AuthenticationKerberosV5 = InstanceType<typeof AuthenticationKerberosV5>;
/**
 * 'R' code 3: send the password in clear text (PasswordMessage).
 * @class
 */
export const AuthenticationCleartextPassword = codeOnly('AuthenticationCleartextPassword', AuthCode.CleartextPassword);
export type AuthenticationCleartextPassword = InstanceType<typeof AuthenticationCleartextPassword>;
/**
 * 'R' code 7: start GSSAPI authentication (GSSAuthResponse).
 * @class
 */
export const AuthenticationGSS = codeOnly('AuthenticationGSS', AuthCode.GSS);
export type AuthenticationGSS = InstanceType<typeof AuthenticationGSS>;
/**
 * 'R' code 9: start SSPI authentication (GSSAuthResponse).
 * @class
 */
export const AuthenticationSSPI = codeOnly('AuthenticationSSPI', AuthCode.SSPI);
export type AuthenticationSSPI = InstanceType<typeof AuthenticationSSPI>;

/** 'R' code 5: send the password MD5-hashed with `salt` (PasswordMessage; see md5Password in pgcodec/auth). */
export class AuthenticationMD5Password extends Authentication {
  declare readonly type: 'AuthenticationMD5Password';
  /** Four random bytes to hash the password with. */
  readonly salt: Uint8Array;
  constructor(opts: { salt: Uint8Array }) {
    super();
    this.salt = opts.salt;
  }
  override writeData(w: Writer): void {
    const s = this.salt;
    if (s instanceof Uint8Array && s.length !== 4) w.fail(ErrorCode.INVALID_LENGTH, 'salt', `${s.length} bytes; an MD5 salt is 4`);
    w.bytes(s, 'salt');
  }
  /** Reads the payload: code 5, then the salt. */
  static override read(r: Reader): AuthenticationMD5Password {
    expectAuthCode(r, AuthCode.MD5Password);
    return new AuthenticationMD5Password({ salt: r.bytes(4, 'salt') });
  }
}
defineAuth(AuthenticationMD5Password, 'AuthenticationMD5Password', AuthCode.MD5Password);

/** Base of the 'R' messages whose code is followed by opaque mechanism data. */
abstract class AuthenticationWithData extends Authentication {
  /** The mechanism's data, opaque to the protocol. */
  readonly data: Uint8Array;
  constructor(opts: { data: Uint8Array | string }) {
    super();
    this.data = toBytes(opts.data, this, 'data');
  }
  override writeData(w: Writer): void {
    w.bytes(this.data, 'data');
  }
  override sizeHint(): number {
    return 9 + this.data.length;
  }
}

/** 'R' code 8: GSSAPI or SSPI data, for the client's next GSSAuthResponse. */
export class AuthenticationGSSContinue extends AuthenticationWithData {
  declare readonly type: 'AuthenticationGSSContinue';
  /** Reads the payload: code 8, then the data. */
  static override read(r: Reader): AuthenticationGSSContinue {
    expectAuthCode(r, AuthCode.GSSContinue);
    return new AuthenticationGSSContinue({ data: r.rest() });
  }
}
defineAuth(AuthenticationGSSContinue, 'AuthenticationGSSContinue', AuthCode.GSSContinue);

/** 'R' code 11: a SASL challenge (SCRAM's server-first-message), answered by SASLResponse. */
export class AuthenticationSASLContinue extends AuthenticationWithData {
  declare readonly type: 'AuthenticationSASLContinue';
  /** Reads the payload: code 11, then the data. */
  static override read(r: Reader): AuthenticationSASLContinue {
    expectAuthCode(r, AuthCode.SASLContinue);
    return new AuthenticationSASLContinue({ data: r.rest() });
  }
}
defineAuth(AuthenticationSASLContinue, 'AuthenticationSASLContinue', AuthCode.SASLContinue);

/** 'R' code 12: the SASL outcome's additional data (SCRAM's server-final-message); AuthenticationOk follows. */
export class AuthenticationSASLFinal extends AuthenticationWithData {
  declare readonly type: 'AuthenticationSASLFinal';
  /** Reads the payload: code 12, then the data. */
  static override read(r: Reader): AuthenticationSASLFinal {
    expectAuthCode(r, AuthCode.SASLFinal);
    return new AuthenticationSASLFinal({ data: r.rest() });
  }
}
defineAuth(AuthenticationSASLFinal, 'AuthenticationSASLFinal', AuthCode.SASLFinal);

/** 'R' code 10: SASL authentication, with the mechanisms the server offers; SASLInitialResponse answers it. */
export class AuthenticationSASL extends Authentication {
  declare readonly type: 'AuthenticationSASL';
  /** Mechanisms the server offers, in its order of preference (e.g. SCRAM-SHA-256, SCRAM-SHA-256-PLUS). */
  readonly mechanisms: readonly string[];
  constructor(opts: { mechanisms: readonly string[] }) {
    super();
    this.mechanisms = opts.mechanisms;
  }
  override writeData(w: Writer): void {
    const ms = this.mechanisms;
    if (!Array.isArray(ms)) w.fail(ErrorCode.WRONG_TYPE, 'mechanisms', `${show(ms)} is not an array`);
    for (const m of ms) w.listItem(m, 'mechanisms');
    w.u8(0);
  }
  /** Reads the payload: code 10, then the mechanism names. */
  static override read(r: Reader): AuthenticationSASL {
    expectAuthCode(r, AuthCode.SASL);
    const mechanisms: string[] = [];
    while (!r.atNul()) mechanisms.push(r.cstring('mechanism'));
    r.u8();
    return new AuthenticationSASL({ mechanisms });
  }
}
defineAuth(AuthenticationSASL, 'AuthenticationSASL', AuthCode.SASL);

const authByCode = new Map<number, { read(r: Reader): Authentication; prototype: Authentication }>([
  [AuthCode.Ok, AuthenticationOk],
  [AuthCode.KerberosV5, AuthenticationKerberosV5],
  [AuthCode.CleartextPassword, AuthenticationCleartextPassword],
  [AuthCode.MD5Password, AuthenticationMD5Password],
  [AuthCode.GSS, AuthenticationGSS],
  [AuthCode.GSSContinue, AuthenticationGSSContinue],
  [AuthCode.SSPI, AuthenticationSSPI],
  [AuthCode.SASL, AuthenticationSASL],
  [AuthCode.SASLContinue, AuthenticationSASLContinue],
  [AuthCode.SASLFinal, AuthenticationSASLFinal],
]);

/** Decodes any 'R' frame by its code. */
function readAuthentication(r: Reader): Authentication {
  const at = r.pos;
  const code = r.i32('authentication code');
  const cls = authByCode.get(code);
  if (cls === undefined) r.fail(ErrorCode.UNKNOWN_AUTH_CODE, `unknown authentication code ${code}`, at);
  r.pos = at;
  return cls.read(r);
}

/** 'p' answering AuthenticationCleartextPassword or AuthenticationMD5Password: the password, plain or MD5-hashed. */
export class PasswordMessage extends FrontendMessage {
  declare readonly type: 'PasswordMessage';
  /** Cleartext password, or "md5" + hex digest for MD5 authentication. */
  readonly password: string;
  constructor(opts: { password: string }) {
    super();
    this.password = opts.password;
  }
  writePayload(w: Writer): void {
    w.cstring(this.password, 'password');
  }
  /** Reads the payload: the password string. */
  static read(r: Reader): PasswordMessage {
    return new PasswordMessage({ password: r.cstring('password') });
  }
}
defineMessage(PasswordMessage, 'PasswordMessage', FrontendCode.AuthResponse, 'frontend');

/** 'p' answering AuthenticationSASL: the mechanism chosen, and its first message. */
export class SASLInitialResponse extends FrontendMessage {
  declare readonly type: 'SASLInitialResponse';
  /** The SASL mechanism chosen from AuthenticationSASL's list, e.g. SCRAM-SHA-256. */
  readonly mechanism: string;
  /** The client-first-message; null when absent (sent as length -1). */
  readonly data: Uint8Array | null;
  constructor(opts: { mechanism: string; data?: Uint8Array | string | null }) {
    super();
    this.mechanism = opts.mechanism;
    this.data = toBytes(opts.data ?? null, this, 'data');
  }
  writePayload(w: Writer): void {
    w.cstring(this.mechanism, 'mechanism').lengthPrefixed(this.data, 'data');
  }
  /** Reads the payload: mechanism, then the length-prefixed data. */
  static read(r: Reader): SASLInitialResponse {
    const mechanism = r.cstring('mechanism');
    return new SASLInitialResponse({ mechanism, data: r.lengthPrefixed('initial response') });
  }
}
defineMessage(SASLInitialResponse, 'SASLInitialResponse', FrontendCode.AuthResponse, 'frontend');

/** Base of the 'p' messages that carry only opaque bytes. */
abstract class AuthData extends FrontendMessage {
  /** The mechanism's data, opaque to the protocol. */
  readonly data: Uint8Array;
  constructor(opts: { data: Uint8Array | string }) {
    super();
    this.data = toBytes(opts.data, this, 'data');
  }
  writePayload(w: Writer): void {
    w.bytes(this.data, 'data');
  }
  override sizeHint(): number {
    return 5 + this.data.length;
  }
}

/** 'p' answering AuthenticationSASLContinue: the next SASL message (SCRAM's client-final-message). */
export class SASLResponse extends AuthData {
  declare readonly type: 'SASLResponse';
  /** Reads the payload: the data, all of it. */
  static read(r: Reader): SASLResponse {
    return new SASLResponse({ data: r.rest() });
  }
}
defineMessage(SASLResponse, 'SASLResponse', FrontendCode.AuthResponse, 'frontend');

/**
 * PostgreSQL's "GSSResponse" ('p' with GSSAPI/SSPI token bytes). Named apart
 * from `GSSResponse`, the single-byte answer to GSSENCRequest.
 */
export class GSSAuthResponse extends AuthData {
  declare readonly type: 'GSSAuthResponse';
  /** Reads the payload: the token, all of it. */
  static read(r: Reader): GSSAuthResponse {
    return new GSSAuthResponse({ data: r.rest() });
  }
}
defineMessage(GSSAuthResponse, 'GSSAuthResponse', FrontendCode.AuthResponse, 'frontend');

/**
 * Message type bytes, one table per direction, as in the PostgreSQL
 * documentation's "Message Formats". Several letters mean different messages
 * in the two directions ('C', 'D', 'E', 'H', 'S'), and 'p' means one of four
 * frontend messages chosen by the authentication phase.
 */

/** Type bytes of what a client sends, by message name. */
export const FrontendCode = {
  /** 'B' */
  Bind: 0x42,
  /** 'C' */
  Close: 0x43,
  /** 'd' */
  CopyData: 0x64,
  /** 'c' */
  CopyDone: 0x63,
  /** 'f' */
  CopyFail: 0x66,
  /** 'D' */
  Describe: 0x44,
  /** 'E' */
  Execute: 0x45,
  /** 'H' */
  Flush: 0x48,
  /** 'F' */
  FunctionCall: 0x46,
  /** 'p': PasswordMessage, GSSResponse (GSSAuthResponse here), SASLInitialResponse or SASLResponse, by the authentication phase. */
  AuthResponse: 0x70,
  /** 'P' */
  Parse: 0x50,
  /** 'Q' */
  Query: 0x51,
  /** 'S' */
  Sync: 0x53,
  /** 'X' */
  Terminate: 0x58,
} as const;

/** Type bytes of what a server sends, by message name ('R' is every Authentication request). */
export const BackendCode = {
  /** 'R' */
  Authentication: 0x52,
  /** 'K' */
  BackendKeyData: 0x4b,
  /** '2' */
  BindComplete: 0x32,
  /** '3' */
  CloseComplete: 0x33,
  /** 'C' */
  CommandComplete: 0x43,
  /** 'd' */
  CopyData: 0x64,
  /** 'c' */
  CopyDone: 0x63,
  /** 'G' */
  CopyInResponse: 0x47,
  /** 'H' */
  CopyOutResponse: 0x48,
  /** 'W' */
  CopyBothResponse: 0x57,
  /** 'D' */
  DataRow: 0x44,
  /** 'I' */
  EmptyQueryResponse: 0x49,
  /** 'E' */
  ErrorResponse: 0x45,
  /** 'V' */
  FunctionCallResponse: 0x56,
  /** 'v' */
  NegotiateProtocolVersion: 0x76,
  /** 'n' */
  NoData: 0x6e,
  /** 'N' */
  NoticeResponse: 0x4e,
  /** 'A' */
  NotificationResponse: 0x41,
  /** 't' */
  ParameterDescription: 0x74,
  /** 'S' */
  ParameterStatus: 0x53,
  /** '1' */
  ParseComplete: 0x31,
  /** 's' */
  PortalSuspended: 0x73,
  /** 'Z' */
  ReadyForQuery: 0x5a,
  /** 'T' */
  RowDescription: 0x54,
} as const;

/** Authentication request codes: the Int32 after 'R'. */
export const AuthCode = {
  /** AuthenticationOk: authentication succeeded. */
  Ok: 0,
  /** AuthenticationKerberosV5 (no longer supported by PostgreSQL). */
  KerberosV5: 2,
  /** AuthenticationCleartextPassword */
  CleartextPassword: 3,
  /** AuthenticationMD5Password, with a 4-byte salt. */
  MD5Password: 5,
  /** AuthenticationGSS */
  GSS: 7,
  /** AuthenticationGSSContinue, with GSSAPI or SSPI data. */
  GSSContinue: 8,
  /** AuthenticationSSPI */
  SSPI: 9,
  /** AuthenticationSASL, with the mechanisms offered. */
  SASL: 10,
  /** AuthenticationSASLContinue, with mechanism-specific SASL data. */
  SASLContinue: 11,
  /** AuthenticationSASLFinal, with the SASL outcome's additional data. */
  SASLFinal: 12,
} as const;

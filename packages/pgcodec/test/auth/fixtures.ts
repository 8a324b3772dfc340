/**
 * Data made with real tools, for the auth tests.
 *
 * Certificates: self-signed "CN=pg" certificates made with OpenSSL 3.0
 * (`openssl req -x509 -new -key K -subj /CN=pg -days 36500 -<hash>`), DER as
 * base64. PostgreSQL 15 accepted SCRAM-SHA-256-PLUS logins from ScramClient
 * with each of the ECDSA and RSA ones installed as its server certificate.
 *
 * Secrets: pg_authid.rolpassword as PostgreSQL 15 stored it for
 * `CREATE ROLE r LOGIN PASSWORD '...'` with password_encryption =
 * scram-sha-256 (md5 for md5user).
 */

export const certificates = {
  /** ecdsa-with-SHA256, P-256 key. */
  ecdsaSha256: b64(
    'MIIBcDCCARegAwIBAgIURTAV6J65pSCl7wpHnj/QkSQ2jmwwCgYIKoZIzj0EAwIwDTELMAkGA1UEAwwCcGcwIBcNMjYxMTI3MDQ1' +
    'ODIzWhgPMjEyNjExMDMwNDU4MjNaMA0xCzAJBgNVBAMMAnBnMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEw0ddtWO9z/6/L3K2' +
    'KKpqcADJXDxLMIZ6WEM45jbA7syBCjqHWuCU2NMwhcSSgqqMhR1ZEaCI3J9OBZC4wp23eqNTMFEwHQYDVR0OBBYEFISB90mtWdQ1' +
    'xWAS1Vm3SGmgj9daMB8GA1UdIwQYMBaAFISB90mtWdQ1xWAS1Vm3SGmgj9daMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID' +
    'RwAwRAIgHJJfmpj3dGgqkYvl8dfUDhw70SCBLGAeRvbdoXLorFwCIHfl+969ZM1Kr0daXYH2sv2Mz1sXbM3maCnGnkwvfFj6',
  ),
  /** ecdsa-with-SHA384: tls-server-end-point uses SHA-384. */
  ecdsaSha384: b64(
    'MIIBcDCCARegAwIBAgIUNjMMutlVOfNYe/ZxF4KGO1a2qNIwCgYIKoZIzj0EAwMwDTELMAkGA1UEAwwCcGcwIBcNMjYxMTI3MDQ1' +
    'ODIzWhgPMjEyNjExMDMwNDU4MjNaMA0xCzAJBgNVBAMMAnBnMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEw0ddtWO9z/6/L3K2' +
    'KKpqcADJXDxLMIZ6WEM45jbA7syBCjqHWuCU2NMwhcSSgqqMhR1ZEaCI3J9OBZC4wp23eqNTMFEwHQYDVR0OBBYEFISB90mtWdQ1' +
    'xWAS1Vm3SGmgj9daMB8GA1UdIwQYMBaAFISB90mtWdQ1xWAS1Vm3SGmgj9daMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwMD' +
    'RwAwRAIgde5v5Sox8cdsz+a/p2g+9qWkxW3DLB7HjKZVos6TRSwCIFdHExKZAYaMpEdPHYvqQTlx8urH6kln7pQsActVI/rn',
  ),
  /** ecdsa-with-SHA1: tls-server-end-point uses SHA-256 instead. */
  ecdsaSha1: b64(
    'MIIBcDCCARagAwIBAgIUefRQkfxCvLbxJXA5EuoTuesbVfwwCQYHKoZIzj0EATANMQswCQYDVQQDDAJwZzAgFw0yNjExMjcwNDU4' +
    'MjNaGA8yMTI2MTEwMzA0NTgyM1owDTELMAkGA1UEAwwCcGcwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATDR121Y73P/r8vcrYo' +
    'qmpwAMlcPEswhnpYQzjmNsDuzIEKOoda4JTY0zCFxJKCqoyFHVkRoIjcn04FkLjCnbd6o1MwUTAdBgNVHQ4EFgQUhIH3Sa1Z1DXF' +
    'YBLVWbdIaaCP11owHwYDVR0jBBgwFoAUhIH3Sa1Z1DXFYBLVWbdIaaCP11owDwYDVR0TAQH/BAUwAwEB/zAJBgcqhkjOPQQBA0kA' +
    'MEYCIQDgkn4uCsj9TB5Ahy7K4AdSEgH0ANlDXfOVL45v/XyMgwIhAPvHUIKf3RIwt1wus7ydEqq+N3STZ8e7DLpkI3RVgEci',
  ),
  /** sha512WithRSAEncryption, RSA 2048 key. */
  rsaSha512: b64(
    'MIIC/TCCAeWgAwIBAgIUF4G2+lKCP6lH5W+/95OffrEM5kcwDQYJKoZIhvcNAQENBQAwDTELMAkGA1UEAwwCcGcwIBcNMjYxMTI3' +
    'MDQ1ODU4WhgPMjEyNjExMDMwNDU4NThaMA0xCzAJBgNVBAMMAnBnMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvlF1' +
    'LoUPjvMyf7Nz1/31+1AmyKJ2B3Gviiu47+u6BGGb/IqSOGMudIQtTxtEOMVGLhU2Yy0rSCzSpEwQ9Jl/i9bcTtwtuYBE5RHYaO3N' +
    'z9whyjkbfRLN4dxknkeNqyHZl+bFBjWHVgL3x886EmvWYWVHWnikjxpfcFuTe61nHeEtWv/kjnezT3mC53aZyUnWsskx7e3Tijdt' +
    'NjorNm7xL992baCavutVKhYDDKv/kzRERQr1FQyolF4Z9kM8xImbVANV+xRyrC+OMNkU3Xa1OpaP5dJ4nnbOL3+FTEHJ7W723B7u' +
    '7RFAY3cDwaO+OWrh3ipkdPqLYv7JY0IvhZBKDwIDAQABo1MwUTAdBgNVHQ4EFgQUTHGVRe6E6172U223q2izy68p+7owHwYDVR0j' +
    'BBgwFoAUTHGVRe6E6172U223q2izy68p+7owDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQ0FAAOCAQEAbftvjOfip0xjQTwN' +
    'ygS/GN3J4P+rqHTPdM4QlJsVn+6iUb+HySsxyORBmqTiwphie6ErQww8hAZpclBhaSeXS9Wq4RGbEQYmUTgTKSOYuuajN883jgEB' +
    'ObzABF/QCfEbdBnv6xxfq+r6RaifB4+KrULXS+nHA2Z0MPj0dQDJY/HuiLA5xBsXN+9jwp9cf5ORl2y1i2NufVq5pec9vCIJ60q5' +
    'N8E5KhAb3fxI+0VJ48fnK/WCOyY6uT0n8hfhCiU1eCyjUGkWckHU8VcA831zYHic1B/SVGwAgeT9aCmtt1OBd2B/TRqZQ7sP11DJ' +
    'EBy09BviaRGyRwng98+2LQ1SkA==',
  ),
  /** Ed25519: no tls-server-end-point hash is defined. */
  ed25519: b64(
    'MIIBMDCB46ADAgECAhRmloAsixRiliqt4GXnPvlu45LecDAFBgMrZXAwDTELMAkGA1UEAwwCcGcwIBcNMjYxMTI3MDQ1ODIzWhgP' +
    'MjEyNjExMDMwNDU4MjNaMA0xCzAJBgNVBAMMAnBnMCowBQYDK2VwAyEAPtXTDF08G1SqtcNkiEu0jppEPiPZh1DTprLampFO8iOj' +
    'UzBRMB0GA1UdDgQWBBSe7012cDxHrtd+7G+w9P2WsXJN4DAfBgNVHSMEGDAWgBSe7012cDxHrtd+7G+w9P2WsXJN4DAPBgNVHRMB' +
    'Af8EBTADAQH/MAUGAytlcANBAAscnCldd1o+SwZA9xlQzljNluLhAI3/9GDsyhku8U1US2oCz1lk3JSshwbw8NwslzONNLXKYNsr' +
    'KOT6fW9O6wg=',
  ),
};

/** Role, password as typed in CREATE ROLE, and the secret PostgreSQL 15 stored. */
export const postgresSecrets: { role: string; password: string; secret: string; note: string }[] = [
  { role: 'scram1', password: 'pencil', note: 'ASCII', secret: 'SCRAM-SHA-256$4096:TDsQJNrU5ongbEgXJwzVXg==$vnqBzTWqeITFyoKCxH1tWkP611zbP5kRNE+ZGBGjIL8=:NCmlQv7sztlFMu+ik8e5wpg0M1+asy25FOi+Nvs4+js=' },
  { role: 'scram2', password: 'I\u00ADX', note: 'soft hyphen mapped to nothing: "IX"', secret: 'SCRAM-SHA-256$4096:UARPKePYXyZ+CFcqL7Tl+Q==$M5THCG4OPqangguHqr0V88is/CiE4aJDdyLAs6uR97w=:RrRqKoIkG8r1ujMVuC4v33JMXhy1Aq2YR6S74CGewgk=' },
  { role: 'scram3', password: '\u2168', note: 'ROMAN NUMERAL NINE, NFKC: "IX"', secret: 'SCRAM-SHA-256$4096:UnFbI1vzSiRI4xpwKn9arw==$GBU8J7NpI4z1QPY4oduozS529RjKzwXY505Q9cdZkrQ=:9svCDiOCVVl8Sht4hf/oPC96hhFet4zKl92rv8P4z+A=' },
  { role: 'scram4', password: '\u0627a', note: 'bidi check fails: raw bytes', secret: 'SCRAM-SHA-256$4096:Dml3+/Vmqu5pmp/bTSpNHA==$KnfKnKVeNiSZtuUXCofEXQecX8+fwdrz1rUaa/O4YOc=:TblkM5/KJkzKfKB/+6/5kFu3QKvhb0cqRHvvElqWXvA=' },
  { role: 'scram5', password: 'a\u0007\u00e9', note: 'control character prohibited: raw bytes', secret: 'SCRAM-SHA-256$4096:7dbjZtfv/sTfiCGgjRMmaA==$dfntMokhI5S9U2ulmZzIt000kUxkyHp1rTV+gsQfkB0=:/dIFKJSBrZhzejj5RliKodpiNAwsxyLAXA+VAkDZCKM=' },
  { role: 'scram6', password: '\u200Bx\u00A0y', note: 'U+200B and U+00A0 map to SPACE: " x y"', secret: 'SCRAM-SHA-256$4096:d+JlG/4z0pD/rQgdRBcUzg==$SBONcAQ5n8vpWGAD6YuM6Jb0DWD+RCmHOnk15K8ZuW8=:E1uM056W/gjfepFuCzhHfiH9xka53q2NdhN7lvBG2wo=' },
];

export const postgresMd5Secret = { role: 'md5user', password: 'secret', secret: 'md52aea419619857e8a27f0f7aa641db0c6' };

function b64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

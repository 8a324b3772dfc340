import { describe, expect, it } from 'vitest';
import {
  AuthErrorCode,
  SCRAM_SHA_256,
  SCRAM_SHA_256_PLUS,
  chooseScramMechanism,
  isScramMechanism,
  serverScramMechanisms,
  type ChannelBindingMode,
} from '../../src/auth/index.js';
import { authError } from './support.js';

const BOTH = [SCRAM_SHA_256_PLUS, SCRAM_SHA_256];
const PLAIN = [SCRAM_SHA_256];

describe('chooseScramMechanism (client, like libpq)', () => {
  it.each<[string[], ChannelBindingMode | undefined, boolean, string]>([
    [BOTH, undefined, true, SCRAM_SHA_256_PLUS],
    [BOTH, 'prefer', true, SCRAM_SHA_256_PLUS],
    [BOTH, 'prefer', false, SCRAM_SHA_256],
    [BOTH, 'disable', true, SCRAM_SHA_256],
    [BOTH, 'require', true, SCRAM_SHA_256_PLUS],
    [PLAIN, 'prefer', true, SCRAM_SHA_256],
    [PLAIN, 'disable', false, SCRAM_SHA_256],
    [['OAUTHBEARER', SCRAM_SHA_256], 'prefer', false, SCRAM_SHA_256],
  ])('offered %j, channel_binding=%s, canBind=%s: %s', (offered, mode, canBind, want) => {
    expect(chooseScramMechanism(offered, { channelBinding: mode, canBind })).toBe(want);
  });

  it('require fails without -PLUS on offer', async () => {
    const e = await authError(() => chooseScramMechanism(PLAIN, { channelBinding: 'require', canBind: true }), AuthErrorCode.NO_MECHANISM);
    expect(e.message).toContain('did not offer SCRAM-SHA-256-PLUS');
  });

  it('require fails without binding data', async () => {
    const e = await authError(() => chooseScramMechanism(BOTH, { channelBinding: 'require', canBind: false }), AuthErrorCode.NO_MECHANISM);
    expect(e.message).toContain('no channel-binding data');
  });

  it('fails when nothing offered is SCRAM-SHA-256', async () => {
    const e = await authError(() => chooseScramMechanism(['OAUTHBEARER'], { canBind: false }), AuthErrorCode.NO_MECHANISM);
    expect(e.message).toContain('OAUTHBEARER');
    await authError(() => chooseScramMechanism([], { canBind: false }), AuthErrorCode.NO_MECHANISM);
    await authError(() => chooseScramMechanism([SCRAM_SHA_256_PLUS], { canBind: false }), AuthErrorCode.NO_MECHANISM);
  });
});

describe('serverScramMechanisms (server, like PostgreSQL)', () => {
  it('offers -PLUS first, and only where the connection can bind', () => {
    expect(serverScramMechanisms(true)).toEqual(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256']);
    expect(serverScramMechanisms(false)).toEqual(['SCRAM-SHA-256']);
  });
});

describe('isScramMechanism', () => {
  it('knows exactly the two names', () => {
    expect(isScramMechanism('SCRAM-SHA-256')).toBe(true);
    expect(isScramMechanism('SCRAM-SHA-256-PLUS')).toBe(true);
    expect(isScramMechanism('scram-sha-256')).toBe(false);
    expect(isScramMechanism('SCRAM-SHA-1')).toBe(false);
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationSASL,
  AuthenticationSASLContinue,
  AuthenticationSASLFinal,
  SASLInitialResponse,
  SASLResponse,
} from '../../src/messages/index.js';
import {
  AuthErrorCode,
  DEFAULT_MAX_ITERATIONS,
  ScramClient,
  ScramServer,
  base64Encode,
  chooseScramMechanism,
  parseScramVerifier,
  scramVerifier,
  serverScramMechanisms,
  type ChannelBinding,
  type ScramClientOptions,
  type ScramServerOptions,
} from '../../src/auth/index.js';
import { authError } from './support.js';

const PASSWORD = 'tr\u00E8s s\u00E9cret';
const verifier = await scramVerifier(PASSWORD, { iterations: 16 });
const binding = (data: Uint8Array): ChannelBinding => ({ type: 'tls-server-end-point', data });
const CB = binding(new Uint8Array(randomBytes(32)));

function pair(client: Partial<ScramClientOptions> = {}, server: Partial<ScramServerOptions> = {}) {
  const c = new ScramClient({ password: PASSWORD, ...client });
  const s = new ScramServer({ verifier, mechanism: c.mechanism, ...server });
  return { c, s };
}

/** Runs the whole exchange, returning the four messages. */
async function exchange(c: ScramClient, s: ScramServer) {
  const clientFirst = c.clientFirstMessage();
  const serverFirst = s.serverFirstMessage(clientFirst);
  const clientFinal = await c.clientFinalMessage(serverFirst);
  const serverFinal = await s.serverFinalMessage(clientFinal);
  c.verifyServerFinal(serverFinal);
  return { clientFirst, serverFirst, clientFinal, serverFinal };
}

/** A client and server at the point where the server has sent its first message. */
function started(client: Partial<ScramClientOptions> = {}, server: Partial<ScramServerOptions> = {}) {
  const { c, s } = pair(client, server);
  const clientFirst = c.clientFirstMessage();
  const serverFirst = s.serverFirstMessage(clientFirst);
  return { c, s, clientFirst, serverFirst };
}

describe('client <-> server round trips', () => {
  it('without channel binding: GS2 header "n,,", c=biws', async () => {
    const { c, s } = pair();
    const m = await exchange(c, s);
    expect(m.clientFirst).toMatch(/^n,,n=,r=[A-Za-z0-9+/]{24}$/);
    expect(m.serverFirst).toMatch(/^r=[A-Za-z0-9+/]{48},s=[A-Za-z0-9+/]{22}==,i=16$/);
    expect(m.serverFirst.slice(2, 26)).toBe(m.clientFirst.slice(8));
    expect(m.clientFinal).toMatch(/^c=biws,r=[^,]{48},p=[A-Za-z0-9+/]{43}=$/);
    expect(m.serverFinal).toMatch(/^v=[A-Za-z0-9+/]{43}=$/);
    expect(c.verified).toBe(true);
  });

  it('with SCRAM-SHA-256-PLUS: "p=tls-server-end-point,,", c= carries the binding data', async () => {
    const { c, s } = pair({ channelBinding: CB }, { channelBinding: CB });
    expect(c.mechanism).toBe('SCRAM-SHA-256-PLUS');
    expect(s.mechanism).toBe('SCRAM-SHA-256-PLUS');
    const m = await exchange(c, s);
    expect(m.clientFirst.startsWith('p=tls-server-end-point,,n=,r=')).toBe(true);
    const c64 = base64Encode(new Uint8Array([...new TextEncoder().encode('p=tls-server-end-point,,'), ...CB.data]));
    expect(m.clientFinal.startsWith(`c=${c64},r=`)).toBe(true);
  });

  it('client able to bind, server not offering -PLUS: "y,,", c=eSws', async () => {
    const { c, s } = pair({ channelBinding: CB, mechanism: 'SCRAM-SHA-256' });
    const m = await exchange(c, s);
    expect(m.clientFirst.startsWith('y,,n=,')).toBe(true);
    expect(m.clientFinal.startsWith('c=eSws,')).toBe(true);
  });

  it('takes message bytes as decoded from the wire, via the pgcodec message classes', async () => {
    const server = new AuthenticationSASL({ mechanisms: serverScramMechanisms(true) });
    const sasl = AuthenticationSASL.decode(server.toWire().subarray(5));
    const mechanism = chooseScramMechanism(sasl.mechanisms, { canBind: true });
    const c = new ScramClient({ password: PASSWORD, mechanism, channelBinding: CB });

    const initial = SASLInitialResponse.decode(new SASLInitialResponse({ mechanism: c.mechanism, data: c.clientFirstMessage() }).toWire().subarray(5));
    const s = new ScramServer({ verifier: parseScramVerifier(verifier), mechanism: initial.mechanism, channelBinding: CB });
    const cont = AuthenticationSASLContinue.decode(new AuthenticationSASLContinue({ data: s.serverFirstMessage(initial.data!) }).toWire().subarray(5));
    const response = SASLResponse.decode(new SASLResponse({ data: await c.clientFinalMessage(cont.data) }).toWire().subarray(5));
    const final = AuthenticationSASLFinal.decode(new AuthenticationSASLFinal({ data: await s.serverFinalMessage(response.data) }).toWire().subarray(5));
    c.verifyServerFinal(final.data);
    expect(c.verified).toBe(true);
  });

  it('escapes "," and "=" in a SCRAM user name, which the server ignores', async () => {
    const { c, s } = pair({ username: 'a,b=c' });
    const m = await exchange(c, s);
    expect(m.clientFirst).toMatch(/^n,,n=a=2Cb=3Dc,r=/);
  });

  it('uses a fresh 18-byte nonce for each client and server', () => {
    const a = started();
    const b = started();
    expect(a.clientFirst.slice(8)).not.toBe(b.clientFirst.slice(8));
    expect(a.serverFirst.slice(26, 50)).not.toBe(b.serverFirst.slice(26, 50));
  });
});

describe('failures', () => {
  it('wrong password: the server rejects the proof, and refuses further use', async () => {
    const { c, s } = pair({ password: 'tres secret' });
    const serverFirst = s.serverFirstMessage(c.clientFirstMessage());
    const clientFinal = await c.clientFinalMessage(serverFirst);
    await authError(() => s.serverFinalMessage(clientFinal), AuthErrorCode.INVALID_PROOF);
    await authError(() => s.serverFinalMessage(clientFinal), AuthErrorCode.INVALID_STATE);
  });

  it('a tampered proof is rejected', async () => {
    const { c, s, serverFirst } = started();
    const clientFinal = await c.clientFinalMessage(serverFirst);
    const proof = Buffer.from(clientFinal.slice(clientFinal.indexOf(',p=') + 3), 'base64');
    proof[0]! ^= 1;
    const tampered = clientFinal.slice(0, clientFinal.indexOf(',p=') + 3) + proof.toString('base64');
    await authError(() => s.serverFinalMessage(tampered), AuthErrorCode.INVALID_PROOF);
  });

  it('a tampered server signature is rejected by the client', async () => {
    const { c, s, serverFirst } = started();
    const serverFinal = await s.serverFinalMessage(await c.clientFinalMessage(serverFirst));
    const sig = Buffer.from(serverFinal.slice(2), 'base64');
    sig[31]! ^= 0x40;
    await authError(() => c.verifyServerFinal('v=' + sig.toString('base64')), AuthErrorCode.SERVER_SIGNATURE);
    expect(c.verified).toBe(false);
    await authError(() => c.verifyServerFinal(serverFinal), AuthErrorCode.INVALID_STATE);
  });

  it('a server holding another ServerKey (an impostor) cannot produce the signature', async () => {
    const { c, clientFirst, serverFirst } = started();
    const clientFinal = await c.clientFinalMessage(serverFirst);
    const impostorKey = parseScramVerifier(await scramVerifier('guess', { iterations: 16 })).serverKey;
    const authMessage = `${clientFirst.slice(3)},${serverFirst},${clientFinal.slice(0, clientFinal.indexOf(',p='))}`;
    const forged = createHmac('sha256', impostorKey).update(authMessage).digest('base64');
    await authError(() => c.verifyServerFinal(`v=${forged}`), AuthErrorCode.SERVER_SIGNATURE);
  });

  it('the client reports a server error attribute', async () => {
    const { c, serverFirst } = started();
    await c.clientFinalMessage(serverFirst);
    const e = await authError(() => c.verifyServerFinal('e=invalid-proof'), AuthErrorCode.SERVER_ERROR);
    expect(e.message).toContain('invalid-proof');
  });

  describe('nonce mismatch', () => {
    it('client: the server nonce does not start with the client nonce', async () => {
      const { c, serverFirst } = started();
      const bad = serverFirst.replace(/^r=./, (m) => (m === 'r=A' ? 'r=B' : 'r=A'));
      await authError(() => c.clientFinalMessage(bad), AuthErrorCode.NONCE_MISMATCH);
      await authError(() => c.clientFinalMessage(serverFirst), AuthErrorCode.INVALID_STATE);
    });

    it('server: the client-final nonce is not the combined one', async () => {
      const { c, s, serverFirst } = started();
      const clientFinal = await c.clientFinalMessage(serverFirst);
      const bad = clientFinal.replace(/,p=/, 'x,p=');
      await authError(() => s.serverFinalMessage(bad), AuthErrorCode.NONCE_MISMATCH);
    });
  });

  describe('channel binding', () => {
    it('different binding data (a man in the middle with another certificate) is rejected', async () => {
      const { c, s, serverFirst } = started({ channelBinding: CB }, { channelBinding: binding(new Uint8Array(randomBytes(32))) });
      const e = await authError(async () => s.serverFinalMessage(await c.clientFinalMessage(serverFirst)), AuthErrorCode.CHANNEL_BINDING);
      expect(e.message).toContain('channel binding check failed');
    });

    it('"y" while the server offered -PLUS is a downgrade and is rejected', async () => {
      const { c } = pair({ channelBinding: CB, mechanism: 'SCRAM-SHA-256' });
      const s = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', channelBinding: CB });
      const e = await authError(() => s.serverFirstMessage(c.clientFirstMessage()), AuthErrorCode.CHANNEL_BINDING);
      expect(e.message).toContain('downgrade');
    });

    it('"n" under SCRAM-SHA-256 is fine on a connection that offered -PLUS (channel_binding=disable)', async () => {
      const { c } = pair();
      const s = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', channelBinding: CB });
      await exchange(c, s);
    });

    it.each(['n', 'y'])('"%s" with SCRAM-SHA-256-PLUS selected is rejected', async (flag) => {
      const s = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256-PLUS', channelBinding: CB });
      const e = await authError(() => s.serverFirstMessage(`${flag},,n=,r=abc`), AuthErrorCode.CHANNEL_BINDING);
      expect(e.message).toContain('does not include channel binding data');
    });

    it('"p=" with plain SCRAM-SHA-256 selected is rejected', async () => {
      const s = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', channelBinding: CB });
      const e = await authError(() => s.serverFirstMessage('p=tls-server-end-point,,n=,r=abc'), AuthErrorCode.CHANNEL_BINDING);
      expect(e.message).toContain('includes channel binding data');
    });

    it('other channel-binding types are unsupported', async () => {
      const s = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256-PLUS', channelBinding: CB });
      await authError(() => s.serverFirstMessage('p=tls-unique,,n=,r=abc'), AuthErrorCode.UNSUPPORTED);
    });

    it('a c= that does not repeat the GS2 header is rejected', async () => {
      const { c, s, serverFirst } = started();
      const clientFinal = await c.clientFinalMessage(serverFirst);
      const e = await authError(() => s.serverFinalMessage(clientFinal.replace('c=biws', 'c=eSws')), AuthErrorCode.CHANNEL_BINDING);
      expect(e.message).toContain('unexpected SCRAM channel-binding attribute');
    });

    it('-PLUS chosen by a client when the server has no binding data (did not offer it)', async () => {
      await authError(() => new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256-PLUS' }), AuthErrorCode.CHANNEL_BINDING);
    });
  });
});

describe('the server reading client-first-message', () => {
  const server = (): ScramServer => new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', nonce: 'S' });

  it.each([
    ['', AuthErrorCode.MALFORMED_MESSAGE, 'no GS2 header'],
    ['n', AuthErrorCode.MALFORMED_MESSAGE, 'no GS2 header'],
    ['x,,n=,r=abc', AuthErrorCode.MALFORMED_MESSAGE, 'GS2 channel-binding flag'],
    ['n,x,n=,r=abc', AuthErrorCode.MALFORMED_MESSAGE, 'after the channel-binding flag'],
    ['n,a=admin,n=,r=abc', AuthErrorCode.UNSUPPORTED, 'authorization identity'],
    ['n,,m=ext,n=,r=abc', AuthErrorCode.UNSUPPORTED, 'unsupported SCRAM extension'],
    ['n,,r=abc', AuthErrorCode.MALFORMED_MESSAGE, 'expected attribute "n" but found "r"'],
    ['n,,n=', AuthErrorCode.MALFORMED_MESSAGE, 'ends too early'],
    ['n,,n=,r=', AuthErrorCode.MALFORMED_MESSAGE, 'nonce is empty or not printable'],
    ['n,,n=,r=ab\u00E9', AuthErrorCode.MALFORMED_MESSAGE, 'not printable'],
    ['n,,n=,r=abc,,', AuthErrorCode.MALFORMED_MESSAGE, 'is not an attribute'],
    ['n,,n=,r=abc,xyz', AuthErrorCode.MALFORMED_MESSAGE, 'is not an attribute'],
    ['n,,n=,r=a\0bc', AuthErrorCode.MALFORMED_MESSAGE, 'NUL'],
  ])('rejects %j', async (text, code, why) => {
    const e = await authError(() => server().serverFirstMessage(text), code);
    expect(e.message).toContain(why);
  });

  it('rejects bytes that are not UTF-8', async () => {
    await authError(() => server().serverFirstMessage(Uint8Array.of(0x6e, 0x2c, 0x2c, 0xff)), AuthErrorCode.MALFORMED_MESSAGE);
  });

  it('ignores the user name and any extensions after the nonce', () => {
    expect(server().serverFirstMessage('n,,n=whoever=2C,r=abc,x=1,y=')).toMatch(/^r=abcS,s=/);
  });
});

describe('the server reading client-final-message', () => {
  async function final(): Promise<{ s: ScramServer; clientFinal: string; head: string; proof: string }> {
    const { c, s, serverFirst } = started();
    const clientFinal = await c.clientFinalMessage(serverFirst);
    const at = clientFinal.indexOf(',p=');
    return { s, clientFinal, head: clientFinal.slice(0, at), proof: clientFinal.slice(at + 3) };
  }

  it('accepts extensions between the nonce and the proof (they count in the AuthMessage)', async () => {
    const { s, head, proof } = await final();
    // The proof was computed without the extension, so it no longer matches: but parsing got that far.
    await authError(() => s.serverFinalMessage(`${head},x=ext,p=${proof}`), AuthErrorCode.INVALID_PROOF);
  });

  it.each([
    ['no proof', (h: string) => h, 'ends too early'],
    ['garbage after the proof', (h: string, p: string) => `${h},p=${p},x=1`, 'garbage at the end'],
    ['a proof that is not base64', (h: string) => `${h},p=not base64!`, 'ClientProof is not valid base64'],
    ['a short proof', (h: string) => `${h},p=AAAA`, 'wrong length'],
    ['attributes out of order', (h: string, p: string) => `r=x,${h},p=${p}`, 'expected attribute "c" but found "r"'],
  ])('rejects %s', async (_, edit, why) => {
    const { s, head, proof } = await final();
    const e = await authError(() => s.serverFinalMessage(edit(head, proof)), AuthErrorCode.MALFORMED_MESSAGE);
    expect(e.message).toContain(why);
  });
});

describe('the client reading server messages', () => {
  const NONCE = 'cNonce';
  async function client(serverFirst: string, opts: Partial<ScramClientOptions> = {}): Promise<ScramClient> {
    const c = new ScramClient({ password: 'pw', nonce: NONCE, ...opts });
    c.clientFirstMessage();
    await c.clientFinalMessage(serverFirst);
    return c;
  }

  it.each([
    ['', AuthErrorCode.MALFORMED_MESSAGE, 'ends too early'],
    ['m=x,r=cNonceS,s=QUJD,i=1', AuthErrorCode.UNSUPPORTED, 'unsupported SCRAM extension'],
    ['r=cNonceS,i=1,s=QUJD', AuthErrorCode.MALFORMED_MESSAGE, 'expected attribute "s" but found "i"'],
    ['r=cNonceS,s=QUJD', AuthErrorCode.MALFORMED_MESSAGE, 'ends too early'],
    ['r=cNonceS,s=QUJD,i=1,x=y', AuthErrorCode.MALFORMED_MESSAGE, 'garbage at the end'],
    ['r=cNonceS,s=QUJ,i=1', AuthErrorCode.MALFORMED_MESSAGE, 'salt is not valid base64'],
    ['r=cNonceS,s=QUJD,i=', AuthErrorCode.MALFORMED_MESSAGE, 'invalid iteration count'],
    ['r=cNonceS,s=QUJD,i=+1', AuthErrorCode.MALFORMED_MESSAGE, 'invalid iteration count'],
    ['r=cNonceS,s=QUJD,i=99999999999', AuthErrorCode.MALFORMED_MESSAGE, 'invalid iteration count'],
    ['r=cNonceS,s=QUJD,i=0', AuthErrorCode.ITERATION_COUNT, 'outside 1..10000000'],
    [`r=cNonceS,s=QUJD,i=${DEFAULT_MAX_ITERATIONS + 1}`, AuthErrorCode.ITERATION_COUNT, 'outside'],
    ['r=xNonceS,s=QUJD,i=1', AuthErrorCode.NONCE_MISMATCH, "does not start with the client's"],
    ['r=cNonc,s=QUJD,i=1', AuthErrorCode.NONCE_MISMATCH, "does not start with the client's"],
  ])('server-first %j is rejected', async (text, code, why) => {
    const e = await authError(() => client(text), code);
    expect(e.message).toContain(why);
  });

  it('lets the caller lower the iteration ceiling', async () => {
    await authError(() => client('r=cNonceS,s=QUJD,i=101', { maxIterations: 100 }), AuthErrorCode.ITERATION_COUNT);
    await client('r=cNonceS,s=QUJD,i=100', { maxIterations: 100 });
  });

  it('rejects server-first bytes that are not UTF-8', async () => {
    const c = new ScramClient({ password: 'pw', nonce: NONCE });
    c.clientFirstMessage();
    await authError(() => c.clientFinalMessage(Uint8Array.of(0x72, 0x3d, 0xc3)), AuthErrorCode.MALFORMED_MESSAGE);
  });

  it.each([
    ['v=AAAA', AuthErrorCode.MALFORMED_MESSAGE, 'wrong length'],
    ['v=not base64', AuthErrorCode.MALFORMED_MESSAGE, 'server signature is not valid base64'],
    [`v=${'A'.repeat(43)}=,x=1`, AuthErrorCode.MALFORMED_MESSAGE, 'garbage at the end'],
    ['x=1', AuthErrorCode.MALFORMED_MESSAGE, 'expected attribute "v" but found "x"'],
    ['', AuthErrorCode.MALFORMED_MESSAGE, 'ends too early'],
    [`v=${'A'.repeat(43)}=`, AuthErrorCode.SERVER_SIGNATURE, 'incorrect server signature'],
  ])('server-final %j is rejected', async (text, code, why) => {
    const c = await client('r=cNonceS,s=QUJD,i=1');
    const e = await authError(() => c.verifyServerFinal(text), code);
    expect(e.message).toContain(why);
  });
});

describe('misuse', () => {
  it('client methods out of order', async () => {
    const c = new ScramClient({ password: 'pw' });
    await authError(() => c.clientFinalMessage('r=x,s=QUJD,i=1'), AuthErrorCode.INVALID_STATE);
    await authError(() => c.verifyServerFinal('v=x'), AuthErrorCode.INVALID_STATE);
    c.clientFirstMessage();
    await authError(() => c.clientFirstMessage(), AuthErrorCode.INVALID_STATE);
    await authError(() => c.verifyServerFinal('v=x'), AuthErrorCode.INVALID_STATE);
  });

  it('a second clientFinalMessage while the first is computing', async () => {
    const c = new ScramClient({ password: 'pw', nonce: 'n' });
    c.clientFirstMessage();
    const first = c.clientFinalMessage('r=nS,s=QUJD,i=1');
    await authError(() => c.clientFinalMessage('r=nS,s=QUJD,i=1'), AuthErrorCode.INVALID_STATE);
    await first;
  });

  it('a second serverFinalMessage while the first is computing', async () => {
    const { c, s, serverFirst } = started();
    const clientFinal = await c.clientFinalMessage(serverFirst);
    const first = s.serverFinalMessage(clientFinal);
    const e = await authError(() => s.serverFinalMessage(clientFinal), AuthErrorCode.INVALID_STATE);
    expect(e.message).toContain('computing');
    c.verifyServerFinal(await first);
  });

  it('server methods out of order', async () => {
    const s = new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256' });
    await authError(() => s.serverFinalMessage('c=biws,r=x,p=AAAA'), AuthErrorCode.INVALID_STATE);
    s.serverFirstMessage('n,,n=,r=abc');
    await authError(() => s.serverFirstMessage('n,,n=,r=abc'), AuthErrorCode.INVALID_STATE);
  });

  it('a server exchange is single-use, also after success', async () => {
    const { c, s } = pair();
    const m = await exchange(c, s);
    await authError(() => s.serverFinalMessage(m.clientFinal), AuthErrorCode.INVALID_STATE);
  });

  it.each<[string, () => unknown, AuthErrorCode]>([
    ['client: -PLUS without binding data', () => new ScramClient({ password: 'pw', mechanism: 'SCRAM-SHA-256-PLUS' }), AuthErrorCode.INVALID_ARGUMENT],
    ['client: unknown mechanism', () => new ScramClient({ password: 'pw', mechanism: 'SCRAM-SHA-1' as never }), AuthErrorCode.INVALID_ARGUMENT],
    ['client: unknown binding type', () => new ScramClient({ password: 'pw', channelBinding: { type: 'tls-unique' as never, data: CB.data } }), AuthErrorCode.INVALID_ARGUMENT],
    ['client: nonce with a comma', () => new ScramClient({ password: 'pw', nonce: 'a,b' }), AuthErrorCode.INVALID_ARGUMENT],
    ['client: empty nonce', () => new ScramClient({ password: 'pw', nonce: '' }), AuthErrorCode.INVALID_ARGUMENT],
    ['server: unknown mechanism', () => new ScramServer({ verifier, mechanism: 'SCRAM-SHA-1' }), AuthErrorCode.UNSUPPORTED],
    ['server: unknown binding type', () => new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', channelBinding: { type: 'x' as never, data: CB.data } }), AuthErrorCode.INVALID_ARGUMENT],
    ['server: nonce with a comma', () => new ScramServer({ verifier, mechanism: 'SCRAM-SHA-256', nonce: 'a,b' }), AuthErrorCode.INVALID_ARGUMENT],
    ['server: not a SCRAM secret', () => new ScramServer({ verifier: 'md5' + '0'.repeat(32), mechanism: 'SCRAM-SHA-256' }), AuthErrorCode.INVALID_VERIFIER],
  ])('%s', async (_, make, code) => {
    await authError(make, code);
  });
});

describe('without WebCrypto', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('says so (browsers hide crypto.subtle outside secure contexts)', async () => {
    const { c, serverFirst } = started();
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) });
    const e = await authError(() => c.clientFinalMessage(serverFirst), AuthErrorCode.UNSUPPORTED);
    expect(e.message).toContain('secure contexts');
  });
});

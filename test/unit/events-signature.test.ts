import { describe, expect, it } from 'vitest';
import { checkSignature, publicKey } from '../../src/events/signature.js';
import { ed25519Keys, rsaKeys, signed } from '../helpers/webhooks.js';

const ghl = ed25519Keys();
const legacy = rsaKeys();
const keys = { ed25519: ghl.publicKey, legacyRsa: legacy.publicKey };
const body = Buffer.from('{"type":"InboundMessage","locationId":"loc1","body":"hi"}');

describe('webhook signatures', () => {
  it('accepts an Ed25519 x-ghl-signature over the exact bytes', () => {
    expect(checkSignature(body, signed(body, ghl), keys)).toEqual({ ok: true, scheme: 'ed25519' });
  });

  it('refuses a tampered body, a signature by another key, and a malformed signature', () => {
    const tampered = Buffer.from(body.toString().replace('hi', 'ho'));
    expect(checkSignature(tampered, signed(body, ghl), keys).ok).toBe(false);
    expect(checkSignature(body, signed(body, ed25519Keys()), keys).ok).toBe(false);
    expect(checkSignature(body, { 'x-ghl-signature': 'bm90IGEgc2lnbmF0dXJl' }, keys)).toEqual({ ok: false, reason: 'x-ghl-signature does not match the body' });
  });

  it('accepts a further Ed25519 key beside the configured one (the sandbox\'s), and no other', () => {
    const sandbox = ed25519Keys();
    const both = { ...keys, ed25519Also: [sandbox.publicKey] };
    expect(checkSignature(body, signed(body, sandbox), both)).toEqual({ ok: true, scheme: 'ed25519' });
    expect(checkSignature(body, signed(body, ghl), both)).toEqual({ ok: true, scheme: 'ed25519' });
    expect(checkSignature(body, signed(body, ed25519Keys()), both).ok).toBe(false);
    expect(checkSignature(body, signed(body, sandbox), keys).ok).toBe(false);
  });

  it('refuses a delivery without a signature, naming the headers it accepts', () => {
    expect(checkSignature(body, {}, keys)).toEqual({ ok: false, reason: 'no x-ghl-signature or x-wh-signature header' });
    expect(checkSignature(body, {}, { ed25519: ghl.publicKey })).toEqual({ ok: false, reason: 'no x-ghl-signature header' });
  });

  it('accepts the legacy RSA-SHA256 x-wh-signature only when its key is configured', () => {
    const headers = signed(body, legacy, 'rsa');
    expect(checkSignature(body, headers, keys)).toEqual({ ok: true, scheme: 'rsa-sha256' });
    expect(checkSignature(body, headers, { ed25519: ghl.publicKey }).ok).toBe(false);
    expect(checkSignature(Buffer.concat([body, Buffer.from(' ')]), headers, keys).ok).toBe(false);
  });

  it('lets a bad x-ghl-signature decide even beside a valid legacy one', () => {
    const headers = { ...signed(body, legacy, 'rsa'), 'x-ghl-signature': signed(body, ed25519Keys())['x-ghl-signature']! };
    expect(checkSignature(body, headers, keys)).toEqual({ ok: false, reason: 'x-ghl-signature does not match the body' });
  });

  it('takes PEM public keys of the expected kind only', () => {
    expect(publicKey(ghl.publicPem, 'ed25519', 'key').asymmetricKeyType).toBe('ed25519');
    expect(() => publicKey(legacy.publicPem, 'ed25519', '--webhook-key')).toThrow('--webhook-key must be an Ed25519 public key, got rsa');
    expect(() => publicKey('not a key', 'rsa', '--webhook-legacy-key')).toThrow(/--webhook-legacy-key is not a PEM public key/);
  });
});

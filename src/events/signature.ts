import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** GHL signs each delivery with its private key; receivers check it with GHL's public key (api-facts §6.2). */
export const SIGNATURE_HEADER = 'x-ghl-signature';
/** The older RSA-SHA256 signature, announced as retired on 2026-07-01; checked only when its key is configured. */
export const LEGACY_SIGNATURE_HEADER = 'x-wh-signature';

export interface SignatureKeys {
  /** GHL's Ed25519 public key, for `x-ghl-signature`. */
  ed25519?: KeyObject;
  /** Other Ed25519 keys accepted as well (the sandbox's, in sandbox mode). */
  ed25519Also?: readonly KeyObject[];
  /** GHL's RSA public key, for `x-wh-signature`; unset: the legacy header is never accepted. */
  legacyRsa?: KeyObject;
}

export type SignatureCheck = { ok: true; scheme: 'ed25519' | 'rsa-sha256' } | { ok: false; reason: string };

/**
 * Checks a delivery's signature over the exact bytes received. `x-ghl-signature` is checked first and, when
 * present, decides alone: a bad one is not rescued by a legacy header (that would let an attacker choose the
 * weaker check).
 */
export function checkSignature(rawBody: Buffer, headers: IncomingHttpHeaders, keys: SignatureKeys): SignatureCheck {
  const modern = single(headers[SIGNATURE_HEADER]);
  if (modern !== undefined && keys.ed25519) {
    const signature = Buffer.from(modern, 'base64');
    return [keys.ed25519, ...(keys.ed25519Also ?? [])].some((key) => verifies(() => verify(null, rawBody, key, signature)))
      ? { ok: true, scheme: 'ed25519' }
      : { ok: false, reason: `${SIGNATURE_HEADER} does not match the body` };
  }
  const legacy = single(headers[LEGACY_SIGNATURE_HEADER]);
  if (legacy !== undefined && keys.legacyRsa) {
    return verifies(() => verify('sha256', rawBody, keys.legacyRsa!, Buffer.from(legacy, 'base64')))
      ? { ok: true, scheme: 'rsa-sha256' }
      : { ok: false, reason: `${LEGACY_SIGNATURE_HEADER} does not match the body` };
  }
  const accepted = [keys.ed25519 && SIGNATURE_HEADER, keys.legacyRsa && LEGACY_SIGNATURE_HEADER].filter(Boolean).join(' or ');
  return { ok: false, reason: `no ${accepted} header` };
}

/** A public key from PEM text; throws a message naming `what` when it is not a key of the expected kind. */
export function publicKey(pem: string, kind: 'ed25519' | 'rsa', what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error(`${what} is not a PEM public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== kind) throw new Error(`${what} must be an ${kind === 'rsa' ? 'RSA' : 'Ed25519'} public key, got ${key.asymmetricKeyType}`);
  return key;
}

/** A header sent once; a repeated one is refused rather than guessed at. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Node throws on malformed signatures (wrong length); for a receiver that is simply "does not verify". */
function verifies(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

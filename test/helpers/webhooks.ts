import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DIR } from './shared.js';

/** A key pair as GHL holds one: the private half signs deliveries, the public half is what a receiver configures. */
export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
}

export function ed25519Keys(): SigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function rsaKeys(): SigningKeys {
  // 2048 bits keeps the test quick; GHL's published key is 4096 (the check is the same).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The header GHL sends: x-ghl-signature (Ed25519) or the legacy x-wh-signature (RSA-SHA256), base64. */
export function signed(body: string | Buffer, keys: SigningKeys, scheme: 'ed25519' | 'rsa' = 'ed25519'): Record<string, string> {
  const bytes = Buffer.from(body);
  return scheme === 'ed25519'
    ? { 'x-ghl-signature': sign(null, bytes, keys.privateKey).toString('base64') }
    : { 'x-wh-signature': sign('sha256', bytes, keys.privateKey).toString('base64') };
}

/** A delivery body: the event payload with the fields every delivery carries (timestamp, webhookId). */
export function delivery(payload: Record<string, unknown>, extra: { timestamp?: unknown; webhookId?: string } = {}): string {
  return JSON.stringify({ ...payload, timestamp: extra.timestamp ?? new Date().toISOString(), webhookId: extra.webhookId ?? randomUUID() });
}

export const WEBHOOK_EVENTS_DIR = path.join(SHARED_DIR, 'ghl-openapi/webhook-events');

/** Every example payload of the documented events: file name and parsed example (some files show several). */
export function documentedPayloads(): Array<{ file: string; payload: Record<string, unknown> }> {
  const payloads: Array<{ file: string; payload: Record<string, unknown> }> = [];
  for (const file of readdirSync(WEBHOOK_EVENTS_DIR).filter((name) => name.endsWith('.md')).sort()) {
    const text = readFileSync(path.join(WEBHOOK_EVENTS_DIR, file), 'utf8');
    // Examples are ```json blocks; the schemas are ```json json_schema. Some files start the object on the fence line.
    for (const [, rest, body] of text.matchAll(/```json([^\n]*)\n([\s\S]*?)```/g)) {
      if (rest!.includes('schema')) continue;
      payloads.push({ file, payload: JSON.parse(`${rest!.trim()}\n${body}`) as Record<string, unknown> });
    }
  }
  return payloads;
}

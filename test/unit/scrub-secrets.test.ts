import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import type { GhlClient } from '../../src/client/ghl-client.js';
import { Executor } from '../../src/executor.js';
import { createLogger, scrubJson, scrubSecrets } from '../../src/logger.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const SECRET = 'pit-tenant/secret-Aa0"9';
/** Every escape a JSON encoder may use: \uXXXX for every character (any hex case), and \/ and \" where they apply. */
const JSON_ESCAPED = [...SECRET].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

describe('scrubSecrets', () => {
  it.each([
    ['verbatim', SECRET],
    ['JSON-escaped, lower-case hex', JSON_ESCAPED],
    ['JSON-escaped, upper-case hex', JSON_ESCAPED.replace(/u([0-9a-f]{4})/g, (_m, hex: string) => `u${hex.toUpperCase()}`)],
    ['only the dashes escaped (as GHL echoes)', SECRET.replace(/-/g, '\\u002d').replace('"', '\\"')],
    ['with \\/ and \\"', SECRET.replace('/', '\\/').replace('"', '\\"')],
    ['escaped twice (JSON inside a JSON string)', SECRET.replace(/-/g, '\\\\u002d').replace('/', '\\\\\\/')],
    ['percent-encoded', encodeURIComponent(SECRET)],
    ['percent-encoded in lower case', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())],
  ])('removes the secret %s', (_form, encoded) => {
    const text = `{"echo":"Bearer ${encoded}","ok":1}`;
    const scrubbed = scrubSecrets(text, [SECRET]);
    expect(scrubbed).toBe('{"echo":"Bearer [redacted]","ok":1}');
  });

  it('leaves other text and secrets too short to tell from text alone', () => {
    const text = 'pit-tenant\\u002fother %41 \\u0041 short';
    expect(scrubSecrets(text, [SECRET, 'short'])).toBe(text);
    // A different letter case is another value, not an encoding of the secret.
    expect(scrubSecrets(SECRET.toUpperCase(), [SECRET])).toBe(SECRET.toUpperCase());
  });

  it('keeps JSON text parseable after scrubbing an escaped secret', () => {
    const text = JSON.stringify({ a: `x ${SECRET} y`, b: [SECRET] }).replace(/-/g, '\\u002d');
    expect(JSON.parse(scrubSecrets(text, [SECRET]))).toEqual({ a: 'x [redacted] y', b: ['[redacted]'] });
  });
});

describe('scrubJson', () => {
  it('scrubs every string and key of a value, in whatever form each holds the secret', () => {
    const value = { content: [{ type: 'text', text: `{"t":"${JSON_ESCAPED}"}` }], structuredContent: { t: SECRET, [SECRET]: [1, SECRET, null] } };
    expect(scrubJson(value, [SECRET])).toEqual({
      content: [{ type: 'text', text: '{"t":"[redacted]"}' }],
      structuredContent: { t: '[redacted]', '[redacted]': [1, '[redacted]', null] },
    });
  });
});

describe('tool results', () => {
  const catalog = new Catalog(MODULES, OVERLAYS);

  it('carry no form of a token GHL echoed JSON-escaped, in text or structured content', async () => {
    const token = 'pit-tenant-a-secret-aaaaaaaa';
    // GHL's JSON encoder may escape any character; the parsed value (structured content) then holds the raw token.
    const answer = JSON.stringify({ location: { id: 'loc-a', echoed: `Bearer ${token}` } }).replace(/-/g, '\\u002d');
    const client = { send: async () => ({ status: 200, headers: { 'content-type': 'application/json' }, text: answer }) } as unknown as GhlClient;
    const executor = new Executor(client, { defaults: {}, maxResultChars: 60_000, secrets: () => [token] }, createLogger('silent'));
    const result = await executor.call(catalog.get('locations_get_location')!, { locationId: 'loc-a' });
    expect(result.isError).toBeFalsy();
    const everything = JSON.stringify(result);
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.replace(/-/g, '\\\\u002d'));
    expect(everything).not.toContain('a\\\\u002dsecret');
  });
});

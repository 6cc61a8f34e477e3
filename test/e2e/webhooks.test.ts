import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, type HttpServerProcess, rawRequest, startHttpServer } from '../helpers/http.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { delivery, ed25519Keys, rsaKeys, signed } from '../helpers/webhooks.js';

/** Words only a delivery's body holds: the access log must never show them. */
const PRIVATE_TEXT = 'my card number is 4111';

describe('GHL webhooks over HTTP (built server, --webhooks)', () => {
  const ghl = ed25519Keys();
  const legacy = rsaKeys();
  let server: HttpServerProcess;
  let plain: HttpServerProcess;
  let hook: string;

  beforeAll(async () => {
    [server, plain] = await Promise.all([
      startHttpServer({ GHL_SANDBOX: '1', GHL_WEBHOOKS: 'true', GHL_WEBHOOK_KEY: ghl.publicPem, GHL_WEBHOOK_MAX_BODY_BYTES: '2048' }),
      // Not the sandbox: in sandbox mode the receiver is on, for the sandbox's own events.
      startHttpServer({ GHL_API_KEY: 'pit-unused', GHL_LOCATION_ID: 'loc-unused' }),
    ]);
    hook = `${server.origin}/webhooks/ghl`;
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), plain?.stop()]);
  });

  const deliver = (body: string, headers: Record<string, string>, host?: string) =>
    rawRequest(hook, { headers: { 'content-type': 'application/json', ...(host && { host }), ...headers }, body });

  it('announces the receiver and acknowledges a signed delivery, whatever Host a tunnel sends', async () => {
    expect(server.stderr()).toContain('"webhooks":"/webhooks/ghl"');
    expect(server.stderr()).toContain('"legacySignatures":false,"eventStore":"memory"');
    const body = delivery({ type: 'InboundMessage', locationId: 'loc-e2e', contactId: 'c1', body: PRIVATE_TEXT }, { webhookId: 'e2e-1' });
    const answer = await deliver(body, signed(body, ghl), 'abc123.tunnel.example');
    expect(answer).toMatchObject({ status: 200, body: '{"received":true}' });
    // The same delivery again is a replay: refused, which also shows the first was stored.
    expect((await deliver(body, signed(body, ghl))).status).toBe(409);
  });

  it('refuses unsigned, wrongly signed, legacy-signed (not enabled), stale and oversized deliveries', async () => {
    const body = delivery({ type: 'ContactCreate', locationId: 'loc-e2e', id: 'c2' });
    expect((await deliver(body, {})).status).toBe(401);
    expect((await deliver(body, signed(body, ed25519Keys()))).status).toBe(401);
    expect((await deliver(body, signed(body, legacy, 'rsa'))).status).toBe(401);
    const stale = delivery({ type: 'ContactCreate', locationId: 'loc-e2e' }, { timestamp: Date.now() - 3_600_000 });
    expect((await deliver(stale, signed(stale, ghl))).status).toBe(401);
    const big = delivery({ type: 'ContactCreate', locationId: 'loc-e2e', note: 'x'.repeat(4000) });
    expect((await deliver(big, signed(big, ghl))).status).toBe(413);
    // None of these was stored: the refused body, signed properly now, is still new.
    expect((await deliver(body, signed(body, ghl))).status).toBe(200);
  });

  it('logs each delivery by event type or refusal, never its body', async () => {
    await expect.poll(() => server.stderr()).toMatch(/"path":"\/webhooks\/ghl","status":200,"ms":\d+,"event":"InboundMessage"/);
    expect(server.stderr()).toMatch(/"status":401,"ms":\d+,"refused":"signature refused: no x-ghl-signature header"/);
    expect(server.stderr()).not.toContain(PRIVATE_TEXT);
  });

  it('leaves MCP at /mcp as it was, with its Host guard', async () => {
    const session = await connectHttp(server.url);
    expect((await session.client.listTools()).tools.length).toBeGreaterThan(0);
    await session.close();
    expect((await rawRequest(server.url, { headers: { host: 'abc123.tunnel.example', 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);
  });

  it('has no receiver unless asked for', async () => {
    const body = delivery({ type: 'InboundMessage', locationId: 'loc-e2e' });
    expect((await rawRequest(`${plain.origin}/webhooks/ghl`, { headers: signed(body, ghl), body })).status).toBe(404);
  });
});

describe.skipIf(await redisMissing())('GHL webhooks on two replicas sharing Redis', () => {
  const ghl = ed25519Keys();
  let replicas: HttpServerProcess[] = [];

  beforeAll(async () => {
    // Not the sandbox (it keeps to itself): credentials that are never used, as nothing here calls GHL.
    const env = { GHL_API_KEY: 'pit-unused', GHL_LOCATION_ID: 'loc-unused', REDIS_URL: TEST_REDIS_URL, GHL_WEBHOOKS: 'true', GHL_WEBHOOK_KEY: ghl.publicPem, GHL_WEBHOOK_LOG_MAX_AGE_MS: '60000' };
    replicas = await Promise.all([startHttpServer(env), startHttpServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
  });

  it('refuses on one replica a delivery the other has stored', async () => {
    expect(replicas[0]!.stderr()).toContain('"eventStore":"redis"');
    const body = delivery({ type: 'InboundMessage', locationId: `loc-${randomUUID()}` });
    const to = (replica: HttpServerProcess) =>
      rawRequest(`${replica.origin}/webhooks/ghl`, { headers: { 'content-type': 'application/json', ...signed(body, ghl) }, body });
    expect((await to(replicas[0]!)).status).toBe(200);
    expect(await to(replicas[1]!)).toMatchObject({ status: 409, body: '{"error":"this webhookId was already received"}' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { parseCli } from '../../src/config.js';
import { type HttpHandle, serveHttp } from '../../src/transports/http.js';
import { capturedLogger, CLIENT_ID, CLIENT_SECRET, freePort, LOCATION, oauthWorld } from '../helpers/oauth.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';
import { type AuthzWorld, connect, initialize, tokenRequest } from './authz-harness.js';

/**
 * Two replicas sharing Redis and one public URL: a user who signed in through one is served, refreshed and
 * disconnected through the other, which builds the user's context from the GHL grant stored in Redis.
 */
describe.skipIf(await redisMissing())('sign-in across replicas (REDIS_URL)', () => {
  let ghl: Awaited<ReturnType<typeof oauthWorld>>;
  const servers: HttpHandle[] = [];
  let one: AuthzWorld;
  let two: AuthzWorld;

  beforeAll(async () => {
    ghl = await oauthWorld({ userId: `replica-user-${Date.now()}` });
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const start = async (listenPort: number): Promise<AuthzWorld> => {
      const env = {
        GHL_CLIENT_ID: CLIENT_ID,
        GHL_CLIENT_SECRET: CLIENT_SECRET,
        GHL_AUTH_URL: ghl.baseUrl,
        GHL_BASE_URL: ghl.baseUrl,
        GHL_SELF_UPDATE: 'off',
        GHL_NO_OVERRIDES: 'true',
        GHL_PUBLIC_URL: publicUrl,
        REDIS_URL: TEST_REDIS_URL,
      };
      const { config } = parseCli(['--http', '--signin', '--port', String(listenPort)], env);
      const log = capturedLogger('info');
      const app = createApp(config!, log.logger);
      const server = await serveHttp(app, { ...config!, http: config!.http! }, log.logger, async () => {
        await app.auth.close();
        await app.bus.close();
      });
      servers.push(server);
      const origin = new URL(server.url).origin;
      return { ghl, origin, mcpUrl: `${publicUrl}/mcp`, log: log.text, close: async () => server.shutdown('test') };
    };
    one = await start(port);
    two = await start(0);
  });
  afterAll(async () => {
    for (const server of servers) await server.shutdown('test');
    await ghl?.close();
  });

  it('serves, refreshes and disconnects on the replica that did not sign the user in', async () => {
    const { client, tokens } = await connect(one);
    expect((await initialize(two, tokens.access_token)).status).toBe(200);
    const refreshed = await tokenRequest(two, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id });
    expect(refreshed.status).toBe(200);
    const opened = await initialize(two, refreshed.body.access_token);
    const call = await fetch(`${two.origin}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${refreshed.body.access_token}`,
        'mcp-session-id': opened.headers.get('mcp-session-id')!,
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'contacts_get_contact', arguments: { contactId: 'replica-1' } } }),
    });
    expect(await call.text()).toContain('replica-1');
    const sent = ghl.fake.requests.find((request) => request.path === '/contacts/replica-1')!;
    expect(ghl.oauth.grantOf(/^Bearer (.+)$/.exec(sent.headers.authorization!)![1]!)).toMatchObject({ locationId: LOCATION });

    const disconnect = await fetch(`${two.origin}/disconnect`, { method: 'POST', headers: { authorization: `Bearer ${refreshed.body.access_token}` } });
    expect(disconnect.status).toBe(200);
    expect((await initialize(one, refreshed.body.access_token)).status).toBe(401);
  });
});

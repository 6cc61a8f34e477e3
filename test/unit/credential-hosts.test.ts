import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OAuthClient, OAuthError } from '../../src/auth/oauth-client.js';
import { CallFailedError } from '../../src/client/errors.js';
import { GhlClient } from '../../src/client/ghl-client.js';

/** Credentials go to the configured GHL host only: neither a tool's path nor a redirect moves them elsewhere. */

const TOKEN = 'pit-secret-must-stay-home';
const CLIENT_SECRET = 'client-secret-must-stay-home';
const REFRESH = 'refresh-token-must-stay-home';

interface Seen {
  url: string;
  authorization?: string;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(answer: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      const { status, headers, body } = answer(req);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body ?? '{}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('GhlClient', () => {
  it('never sends the bearer token to a host a tool path points at', async () => {
    const ghl = await listen(() => ({ status: 200 }));
    const other = await listen(() => ({ status: 200 }));
    const client = new GhlClient(`http://${ghl.host}`, { token: async () => TOKEN }, { connectMs: 1_000, headersMs: 1_000, bodyMs: 1_000 });
    try {
      // Paths as a tampered live document or overrides file could hold them: userinfo or a host suffix.
      for (const path of [`@${other.host}/contacts/`, `:1@${other.host}/x`, 'contacts/']) {
        const sent = client.send({ method: 'GET', path, query: [], headers: {} });
        await expect(sent).rejects.toBeInstanceOf(CallFailedError);
        await expect(sent).rejects.toMatchObject({ sent: false });
      }
      expect(other.seen).toEqual([]);
      expect(ghl.seen).toEqual([]);
      // An ordinary path still works.
      const ok = await client.send({ method: 'GET', path: '/contacts/c1', query: [], headers: {} });
      expect(ok.status).toBe(200);
      expect(ghl.seen.map((request) => request.authorization)).toEqual([`Bearer ${TOKEN}`]);
    } finally {
      await client.close();
    }
  });
});

describe('OAuthClient', () => {
  it('does not follow a redirect with the client secret and refresh token', async () => {
    const other = await listen(() => ({ status: 200, body: JSON.stringify({ access_token: 'stolen-a', refresh_token: 'stolen-r' }) }));
    const ghl = await listen(() => ({ status: 307, headers: { location: `http://${other.host}/oauth/token` } }));
    const client = new OAuthClient(`http://${ghl.host}`, { clientId: 'app-1', clientSecret: CLIENT_SECRET }, 2_000);
    const refreshed = client.refresh({ accessToken: TOKEN, refreshToken: REFRESH, expiresAt: 0, userType: 'Location', clientId: 'app-1', savedAt: 0 });
    await expect(refreshed).rejects.toBeInstanceOf(OAuthError);
    expect(ghl.seen).toHaveLength(1);
    expect(other.seen).toEqual([]);
  });

  it('does not follow a redirect of a location-token request with the company token', async () => {
    const other = await listen(() => ({ status: 200, body: JSON.stringify({ access_token: 'x' }) }));
    const ghl = await listen(() => ({ status: 308, headers: { location: `http://${other.host}/oauth/locationToken` } }));
    const client = new OAuthClient(`http://${ghl.host}`, { clientId: 'app-1', clientSecret: CLIENT_SECRET }, 2_000);
    await expect(client.locationToken(TOKEN, 'company-1', 'location-1')).rejects.toBeInstanceOf(OAuthError);
    expect(other.seen).toEqual([]);
  });
});

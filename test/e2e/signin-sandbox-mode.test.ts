import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_LOCATION_ID } from '../../src/sandbox/sandbox.js';
import { type HttpServerProcess, initializeBody, MCP_HEADERS, rawRequest, startHttpServer, textOf } from '../helpers/http.js';
import { connectSignedIn, type SignedInClient, TestOAuthProvider } from '../helpers/signin.js';

/**
 * `ghl-mcp --http --sandbox --signin`: what a person trying the connector path sees with no GHL account. The server's
 * embedded sandbox plays the marketplace app too, so the whole sign-in runs on the machine.
 */
describe('--sandbox --signin: sign in with HighLevel against the embedded sandbox', () => {
  let server: HttpServerProcess;
  const clients: SignedInClient[] = [];

  beforeAll(async () => {
    server = await startHttpServer({ GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true' }, ['--sandbox', '--signin']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server?.stop();
  });

  it('signs in at the demo location and calls a tool there', async () => {
    const provider = new TestOAuthProvider({ press: [`location:${DEMO_LOCATION_ID}`, 'allow'] });
    const signedIn = await connectSignedIn(server.url, provider);
    clients.push(signedIn);
    const result = await signedIn.client.callTool({ name: 'locations_get_location', arguments: {} });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).toContain('Bright Smile Dental');
    expect(provider.lastRun!.steps.some((step) => step.url.endsWith('/v2/oauth/chooselocation') && step.method === 'POST')).toBe(true);
  });

  it('signs in as the agency, chooses the demo location on the consent page, and works there on a derived location token', async () => {
    const provider = new TestOAuthProvider({ press: ['company', 'allow'], fields: { location: DEMO_LOCATION_ID } });
    const signedIn = await connectSignedIn(server.url, provider);
    clients.push(signedIn);
    const result = await signedIn.client.callTool({ name: 'locations_get_location', arguments: {} });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).toContain(DEMO_LOCATION_ID);
  });
});

describe('--signin-access-ttl-s: an MCP access token that runs out', () => {
  let server: HttpServerProcess;

  beforeAll(async () => {
    server = await startHttpServer({ GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true' }, ['--sandbox', '--signin', '--signin-access-ttl-s', '1']);
  });
  afterAll(() => server?.stop());

  it('is refused once expired, and the client refreshes it and carries on', async () => {
    const provider = new TestOAuthProvider({ press: [`location:${DEMO_LOCATION_ID}`, 'allow'] });
    const signedIn = await connectSignedIn(server.url, provider);
    try {
      const first = provider.tokens()!;
      expect(first.expires_in).toBe(1);
      await vi.waitFor(
        async () => {
          const refused = await rawRequest(server.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${first.access_token}` }, body: initializeBody() });
          expect(refused.status).toBe(401);
          expect(String(refused.headers['www-authenticate'])).toContain('error="invalid_token"');
        },
        { timeout: 10_000, interval: 250 },
      );
      const result = await signedIn.client.callTool({ name: 'locations_get_location', arguments: {} });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(provider.tokens()!.access_token).not.toBe(first.access_token);
      expect(provider.tokens()!.refresh_token).not.toBe(first.refresh_token);
    } finally {
      await signedIn.close();
    }
  });
});

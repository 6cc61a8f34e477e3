import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeBody, MCP_HEADERS, rawRequest, textOf } from '../helpers/http.js';
import { type OwnRedis, redisServerMissing, startOwnRedis } from '../helpers/redis-server.js';
import { connectSignedIn, ghlBearers, type SignedInClient, type SigninReplicas, startSigninReplicas, TestOAuthProvider } from '../helpers/signin.js';

/**
 * Sign-in with REDIS_URL across two replicas behind a round-robin balancer with no stickiness: consecutive requests of
 * the flow (registration, /authorize, GHL's callback, consent, token) land on different replicas, so everything the
 * flow keeps between them must be in Redis; so must the user's GHL grant, refreshed once however many replicas need it.
 */
describe.skipIf(redisServerMissing())('sign in with HighLevel across replicas sharing Redis', () => {
  let redis: OwnRedis;
  let world: SigninReplicas;
  let user: string;
  let provider: TestOAuthProvider;
  let signedIn: SignedInClient;

  beforeAll(async () => {
    redis = await startOwnRedis();
    world = await startSigninReplicas(2, redis.url, ['--stateless']);
    user = world.sandbox.store.collection('users').all()[0]!.id as string;
    provider = new TestOAuthProvider({ press: [`location:${world.sandbox.locationId}`, 'allow'], fields: { user } });
  });

  afterAll(async () => {
    await signedIn?.close();
    await world?.close();
    await redis?.stop();
  });

  const getLocation = () => signedIn.client.callTool({ name: 'locations_get_location', arguments: {} });
  const grantOf = (token: string) => world.ghl.oauth.grantOf(token);

  it('signs in while every step goes to the other replica than the one before', async () => {
    const routedBefore = world.balancer.routed.length;
    signedIn = await connectSignedIn(world.balancer.url, provider);
    const slots = world.balancer.routed.slice(routedBefore).map((entry) => entry.slot);
    expect(new Set(slots)).toEqual(new Set([0, 1]));
    slots.slice(1).forEach((slot, index) => expect(slot).not.toBe(slots[index]));
    const origin = new URL(world.balancer.url).origin;
    expect(provider.lastRun!.steps.map((step) => `${step.method} ${step.url.replace(origin, '')} ${step.status}`)).toEqual([
      'GET /authorize 302',
      `GET ${world.sandbox.baseUrl}/v2/oauth/chooselocation 200`,
      `POST ${world.sandbox.baseUrl}/v2/oauth/chooselocation 302`,
      'GET /oauth/callback 200',
      'POST /consent 302',
    ]);
    const since = world.sandbox.fake.requests.length;
    const results = await Promise.all([getLocation(), getLocation()]);
    for (const result of results) expect(result.isError, textOf(result)).toBeFalsy();
    for (const token of ghlBearers(world.sandbox.fake.requests, since)) expect(grantOf(token)).toMatchObject({ userId: user });
  });

  it("refreshes the user's GHL grant once when both replicas find its access token expired at the same time", async () => {
    const [current] = ghlBearers(world.sandbox.fake.requests).slice(-1);
    world.ghl.oauth.expire(current!);
    const since = world.sandbox.fake.requests.length;
    const routedBefore = world.balancer.routed.length;
    const results = await Promise.all([getLocation(), getLocation()]);
    expect(new Set(world.balancer.routed.slice(routedBefore).map((entry) => entry.slot))).toEqual(new Set([0, 1]));
    for (const result of results) expect(result.isError, textOf(result)).toBeFalsy();
    // Both replicas met GHL's 401 with the expired token, and only one of them asked GHL for new tokens.
    const refused = world.sandbox.fake.requests.slice(since).filter((request) => request.headers.authorization === `Bearer ${current}`);
    expect(refused.map((request) => request.status)).toEqual([401, 401]);
    const refreshes = world.sandbox.fake.requests.slice(since).filter((request) => request.path === '/oauth/token');
    expect(refreshes).toHaveLength(1);
    const after = ghlBearers(world.sandbox.fake.requests, since).filter((token) => token !== current);
    expect(after.length).toBeGreaterThan(0);
    for (const token of after) expect(grantOf(token)).toMatchObject({ userId: user, signIn: grantOf(current!)!.signIn });
  });

  it('refuses a token revoked through one replica on every replica', async () => {
    const held = provider.tokens()!;
    const revoked = await fetch(`${new URL(world.balancer.url).origin}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: held.access_token, client_id: provider.clientInformation()!.client_id }),
    });
    expect(revoked.status).toBe(200);
    for (const replica of world.replicas) {
      const refused = await rawRequest(replica.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${held.access_token}` }, body: initializeBody() });
      expect(refused.status).toBe(401);
    }
  });
});

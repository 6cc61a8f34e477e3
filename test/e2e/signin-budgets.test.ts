import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { textOf } from '../helpers/http.js';
import { connectSignedIn, ghlBearers, type SignedInClient, type SigninWorld, startSigninWorld, TestOAuthProvider } from '../helpers/signin.js';

/** A window of 2 calls a minute, spread out: after a user's first call, their next waits about half a minute. */
const WINDOW = ['--rate-limit-max', '2', '--rate-limit-interval-ms', '60000'];

/** The rate window of one signed-in user is theirs alone: filling it holds that user back, never another. */
describe("each signed-in user's rate window is their own", () => {
  let world: SigninWorld;
  const clients: SignedInClient[] = [];

  beforeAll(async () => {
    world = await startSigninWorld({}, WINDOW);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
    await world?.close();
  });

  async function signIn(user: string): Promise<SignedInClient> {
    const provider = new TestOAuthProvider({ press: [`location:${world.sandbox.locationId}`, 'allow'], fields: { user } });
    const client = await connectSignedIn(world.server.url, provider);
    clients.push(client);
    return client;
  }

  it("lets user B's call go at once while user C's calls wait for C's full window, at the same location", async () => {
    const [userB, userC] = world.sandbox.store.collection('users').all().slice(1).map((user) => user.id as string);
    const [b, c] = await Promise.all([signIn(userB!), signIn(userC!)]);
    const since = world.sandbox.fake.requests.length;
    const sentBy = (user: string) => ghlBearers(world.sandbox.fake.requests, since).filter((token) => world.ghl.oauth.grantOf(token)?.userId === user).length;

    let settledC = 0;
    const callsC = Array.from({ length: 4 }, () => c.client.callTool({ name: 'locations_get_location', arguments: {} }).finally(() => (settledC += 1)));
    callsC.forEach((call) => call.catch(() => {}));
    // C's window lets one call out at once; the other three wait their turn.
    await vi.waitFor(() => expect(sentBy(userC!)).toBe(1));

    const resultB = await b.client.callTool({ name: 'locations_get_location', arguments: {} });
    expect(resultB.isError, textOf(resultB)).toBeFalsy();
    expect(sentBy(userB!)).toBe(1);
    expect(settledC).toBeLessThanOrEqual(1);
    expect(sentBy(userC!)).toBe(1);
  }, 30_000);
});

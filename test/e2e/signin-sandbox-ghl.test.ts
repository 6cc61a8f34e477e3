import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableSandboxSignIn, type SandboxSignIn } from '../../src/sandbox/authorize-page-sandbox.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { browse } from '../helpers/signin.js';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

/** GHL's side of "Sign in with HighLevel" on the sandbox: the chooser page, the code, the tokens, who they belong to. */
describe('the sandbox GHL sign-in (chooser page and token endpoint)', () => {
  let sandbox: Sandbox;
  let ghl: SandboxSignIn;
  let users: { id: string; name: string }[];

  beforeAll(async () => {
    sandbox = await startSandbox();
    ghl = enableSandboxSignIn(sandbox);
    users = sandbox.store.collection('users').all().map((user) => ({ id: user.id as string, name: user.name as string }));
  });
  afterAll(() => sandbox.close());

  const chooserUrl = (extra: Record<string, string> = {}) =>
    `${ghl.authUrl}/v2/oauth/chooselocation?${new URLSearchParams({ response_type: 'code', client_id: ghl.clientId, redirect_uri: REDIRECT, state: 'st-1', ...extra })}`;

  const token = (fields: Record<string, string>) =>
    fetch(`${sandbox.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: ghl.clientId, client_secret: ghl.clientSecret, ...fields }),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, any> }));

  /** Picks on the chooser as `user` and exchanges the code, as the server's callback would (no user_type). */
  async function signInAs(press: string, user: string): Promise<Record<string, any>> {
    const run = await browse(chooserUrl(), { press: [press], fields: { user }, stopAt: (url) => url.href.startsWith(REDIRECT) });
    expect(run.url.searchParams.get('state')).toBe('st-1');
    const code = run.url.searchParams.get('code')!;
    const exchanged = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
    return { code, ...exchanged.body };
  }

  const readLocation = (accessToken: string) =>
    fetch(`${sandbox.baseUrl}/locations/${sandbox.locationId}`, { headers: { authorization: `Bearer ${accessToken}`, version: '2021-07-28' } });

  it('shows the demo location, the agency and the users to sign in as, carrying the request in hidden fields', async () => {
    const page = await fetch(chooserUrl({ scope: 'contacts.readonly' }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain(`value="location:${sandbox.locationId}"`);
    expect(html).toContain('Bright Smile Dental');
    expect(html).toContain('value="company"');
    for (const user of users) expect(html).toContain(`<option value="${user.id}">${user.name}</option>`);
    expect(html).toContain(`<input type="hidden" name="redirect_uri" value="${REDIRECT}">`);
    expect(html).toContain('<input type="hidden" name="state" value="st-1">');
  });

  it('refuses another app or a request without a redirect, on the page and on the post', async () => {
    expect((await fetch(chooserUrl({ client_id: 'someone-else' }))).status).toBe(400);
    const post = (fields: Record<string, string>) =>
      fetch(`${ghl.authUrl}/v2/oauth/chooselocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ response_type: 'code', client_id: ghl.clientId, redirect_uri: REDIRECT, user: users[0]!.id, ...fields }),
        redirect: 'manual',
      });
    expect((await post({ choice: 'location:not-installed' })).status).toBe(400);
    expect((await post({ choice: `location:${sandbox.locationId}`, user: 'nobody' })).status).toBe(400);
    expect((await post({ choice: 'company', client_id: 'someone-else' })).status).toBe(400);
    expect((await post({ choice: 'company' })).status).toBe(302);
  });

  it('grants the chosen location to the user who signed in: distinct tokens per sign-in, codes used once', async () => {
    const first = await signInAs(`location:${sandbox.locationId}`, users[0]!.id);
    const second = await signInAs(`location:${sandbox.locationId}`, users[1]!.id);
    expect(first).toMatchObject({ userType: 'Location', locationId: sandbox.locationId, userId: users[0]!.id });
    expect(second.userId).toBe(users[1]!.id);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const [grantOne, grantTwo] = [ghl.oauth.grantOf(first.access_token), ghl.oauth.grantOf(second.access_token)];
    expect(grantOne).toMatchObject({ userId: users[0]!.id, locationId: sandbox.locationId });
    expect(grantTwo!.signIn).not.toBe(grantOne!.signIn);
    expect((await readLocation(first.access_token)).status).toBe(200);

    const replay = await token({ grant_type: 'authorization_code', code: first.code, redirect_uri: REDIRECT });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('rotates the refresh token, keeps the sign-in it came from, and refuses an expired access token', async () => {
    const signedIn = await signInAs(`location:${sandbox.locationId}`, users[2]!.id);
    ghl.oauth.expire(signedIn.access_token);
    expect((await readLocation(signedIn.access_token)).status).toBe(401);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: signedIn.refresh_token, user_type: 'Location' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(signedIn.refresh_token);
    expect(ghl.oauth.grantOf(refreshed.body.access_token)!.signIn).toBe(ghl.oauth.grantOf(signedIn.access_token)!.signIn);
    expect((await readLocation(refreshed.body.access_token)).status).toBe(200);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: signedIn.refresh_token, user_type: 'Location' });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('grants the agency a Company token whose location tokens stay that user\'s; a wrong user_type is refused', async () => {
    const agency = await signInAs('company', users[1]!.id);
    expect(agency).toMatchObject({ userType: 'Company', companyId: sandbox.companyId, approvedLocations: [sandbox.locationId] });
    const minted = await fetch(`${sandbox.baseUrl}/oauth/locationToken`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agency.access_token}`, version: '2021-07-28', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ companyId: sandbox.companyId, locationId: sandbox.locationId }),
    }).then((response) => response.json() as Promise<Record<string, string>>);
    expect(ghl.oauth.grantOf(minted.access_token!)).toMatchObject({ userType: 'Location', userId: users[1]!.id, signIn: ghl.oauth.grantOf(agency.access_token)!.signIn });
    expect((await readLocation(minted.access_token!)).status).toBe(200);

    const run = await browse(chooserUrl(), { press: ['company'], stopAt: (url) => url.href.startsWith(REDIRECT) });
    const wrongType = await token({ grant_type: 'authorization_code', code: run.url.searchParams.get('code')!, redirect_uri: REDIRECT, user_type: 'Location' });
    expect(wrongType).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'This grant is for user_type Company' } });
  });
});

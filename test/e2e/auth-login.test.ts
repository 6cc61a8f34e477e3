import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, connectStdio } from '../helpers/mcp.js';
import { CLIENT_ID, CLIENT_SECRET, freePort, LOCATION, leaked, oauthWorld, runCli, SCOPES, secretsOf } from '../helpers/oauth.js';

type World = Awaited<ReturnType<typeof oauthWorld>>;

describe('ghl-mcp auth login / status / logout against the fake GHL', () => {
  let world: World;
  let env: Record<string, string>;
  const captured: string[] = [];

  beforeAll(async () => {
    world = await oauthWorld();
    env = {
      GHL_CLIENT_ID: CLIENT_ID,
      GHL_CLIENT_SECRET: CLIENT_SECRET,
      GHL_BASE_URL: world.baseUrl,
      GHL_AUTH_URL: world.baseUrl,
      GHL_REDIRECT_URI: `http://127.0.0.1:${await freePort()}/callback`,
      GHL_TOKEN_FILE: world.tokenFile,
      GHL_LOG_LEVEL: 'debug',
    };
  });

  afterAll(async () => {
    // The authorization code, both tokens and the client secret never reach a terminal, a log or a result.
    expect(leaked(captured.join('\n'), secretsOf(world.oauth))).toEqual([]);
    await world.close();
  });

  /** Starts `auth login` and waits for it to print the consent URL. */
  async function startLogin(args: string[] = []) {
    const child = spawn(process.execPath, [CLI, 'auth', 'login', '--no-browser', ...args], { env: { PATH: process.env.PATH, ...env } });
    const output = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const consentUrl = () => /https?:\/\/\S+chooselocation\S+/.exec(output.stderr)?.[0];
    await expect.poll(consentUrl, { timeout: 10_000 }).toBeTruthy();
    return { output, exited, consentUrl: consentUrl()! };
  }

  it('runs the authorization-code flow: refuses a callback with the wrong state, exchanges the right one, stores 0600', async () => {
    const { output, exited, consentUrl } = await startLogin();
    const consent = new URL(consentUrl);
    expect(`${consent.origin}${consent.pathname}`).toBe(`${world.baseUrl}/v2/oauth/chooselocation`);
    expect(consent.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(consent.searchParams.get('redirect_uri')).toBe(env.GHL_REDIRECT_URI);
    expect(consent.searchParams.get('response_type')).toBe('code');
    const state = consent.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(32);

    // A forged redirect (someone else's code, a wrong state) is refused and nothing is exchanged.
    const forged = await fetch(`${env.GHL_REDIRECT_URI}?code=forged-code&state=${state.slice(0, -2)}xx`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('state mismatch');
    expect(world.fake.requests.filter((req) => req.path === '/oauth/token')).toHaveLength(0);

    // The browser: the consent page redirects to the loopback callback with the code and the state.
    const approved = await fetch(consent, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const callback = await fetch(approved.headers.get('location')!);
    expect(callback.status).toBe(200);
    expect(await exited).toBe(0);
    captured.push(output.stdout, output.stderr);

    const exchange = world.fake.requests.filter((req) => req.path === '/oauth/token');
    expect(exchange).toHaveLength(1);
    const form = new URLSearchParams(exchange[0]!.body);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('user_type')).toBe('Location');
    expect(form.get('redirect_uri')).toBe(env.GHL_REDIRECT_URI);
    expect(exchange[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');

    expect(output.stdout).toContain(`Logged in: sub-account (Location) ${LOCATION}, ${SCOPES.length} scope(s)`);
    expect(statSync(world.tokenFile).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(world.tokenFile, 'utf8'));
    expect(world.oauth.liveRefreshTokens()).toEqual([stored.refreshToken]);
    expect(stored).toMatchObject({ userType: 'Location', locationId: LOCATION, clientId: CLIENT_ID, scope: SCOPES.join(' ') });
  });

  it('says what is stored, without any token', async () => {
    const status = await runCli(['auth', 'status'], env);
    captured.push(status.stdout, status.stderr);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`sub-account (Location) ${LOCATION}`);
    expect(status.stdout).toMatch(/access token: +valid until/);
    expect(status.stdout).toContain(SCOPES.join(' '));
  });

  it('serves tool calls with the stored tokens', async () => {
    const session = await connectStdio({ ...env, GHL_LOCATION_ID: LOCATION });
    try {
      const result = await session.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: 'c1' } });
      expect(result.isError).toBeFalsy();
      const stored = JSON.parse(readFileSync(world.tokenFile, 'utf8'));
      expect(world.fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
      captured.push(JSON.stringify(result));
    } finally {
      await session.close();
      captured.push(session.stderr());
    }
  });

  it('logs out by deleting the stored tokens', async () => {
    const logout = await runCli(['auth', 'logout'], env);
    expect(logout.code).toBe(0);
    expect(logout.stdout).toContain('Removed the stored GHL tokens');
    expect(existsSync(world.tokenFile)).toBe(false);
    const status = await runCli(['auth', 'status'], env);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('auth login');
    captured.push(logout.stdout, logout.stderr, status.stdout, status.stderr);
  });

  /** `auth login` driven the way a person's browser would: open the consent URL, follow the redirect. */
  async function browserLogin(args: string[]) {
    const { output, exited, consentUrl } = await startLogin(args);
    const approved = await fetch(consentUrl, { redirect: 'manual' });
    await fetch(approved.headers.get('location')!);
    const code = await exited;
    captured.push(output.stdout, output.stderr);
    return { code, ...output };
  }

  it('logs an agency in with --user-type Company, and refuses a login whose type does not match the install', async () => {
    world.oauth.consent = { userType: 'Company', scopes: SCOPES, companyId: 'comp-1' };
    const agency = await browserLogin(['--user-type', 'Company', '--scope', SCOPES.join(' ')]);
    expect(agency.code).toBe(0);
    expect(agency.stdout).toContain('Logged in: agency (Company) comp-1, 2 approved location(s)');
    expect(JSON.parse(readFileSync(world.tokenFile, 'utf8'))).toMatchObject({ userType: 'Company', companyId: 'comp-1', approvedLocations: ['loc-a', 'loc-b'] });
    const mismatch = await browserLogin([]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('The authorization code was refused (HTTP 400: invalid_grant: This grant is for user_type Company)');
  });

  it('refuses to start a login without the app credentials or with a non-loopback redirect', async () => {
    const noApp = await runCli(['auth', 'login', '--no-browser'], { ...env, GHL_CLIENT_SECRET: '' });
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain('GHL_CLIENT_ID and GHL_CLIENT_SECRET');
    const remote = await runCli(['auth', 'login', '--no-browser'], { ...env, GHL_REDIRECT_URI: 'https://example.com/callback' });
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('loopback');
    const badType = await runCli(['auth', 'login', '--user-type', 'Agency'], env);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain('--user-type must be Location or Company');
  });
});

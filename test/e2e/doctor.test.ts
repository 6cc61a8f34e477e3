import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { MODULES } from '../../tools/index.js';
import { CLIENT_ID, CLIENT_SECRET, freePort, leaked, LOCATION, oauthWorld, runCli, SCOPES, secretsOf, storedGrant, writeGrant } from '../helpers/oauth.js';

type World = Awaited<ReturnType<typeof oauthWorld>>;

/** Every scope the contacts toolset needs, so a grant with them all is healthy for `--toolsets contacts`. */
const CONTACT_SCOPES = [...new Set(MODULES.find((module) => module.module === 'contacts')!.tools.flatMap((tool) => tool.scopes ?? []))];
const PIT = 'pit-0123456789abcdef0123';

describe('ghl-mcp doctor', () => {
  let world: World;
  const captured: string[] = [];
  const location = { userType: 'Location' as const, scopes: [...SCOPES, ...CONTACT_SCOPES], locationId: LOCATION };

  beforeAll(async () => {
    world = await oauthWorld();
  });
  beforeEach(() => rmSync(world.tokenFile, { force: true }));
  afterAll(async () => {
    expect(leaked(captured.join('\n'), [...secretsOf(world.oauth), PIT])).toEqual([]);
    await world.close();
  });

  async function doctor(env: Record<string, string>) {
    const run = await runCli(['doctor', '--toolsets', 'contacts'], {
      GHL_BASE_URL: world.baseUrl,
      GHL_CLIENT_ID: CLIENT_ID,
      GHL_CLIENT_SECRET: CLIENT_SECRET,
      GHL_TOKEN_FILE: world.tokenFile,
      GHL_LOG_LEVEL: 'debug',
      ...env,
    });
    captured.push(run.stdout, run.stderr);
    return run;
  }

  it('passes a healthy OAuth login: token, location, scopes and reachability', async () => {
    await writeGrant(world.tokenFile, storedGrant(world.oauth, location, 3600));
    const run = await doctor({ GHL_LOCATION_ID: LOCATION });
    expect(run.stdout).toContain(`OAuth tokens for sub-account (Location) ${LOCATION}`);
    expect(run.stdout).toContain(`GHL is reachable and the token can read location ${LOCATION}`);
    expect(run.stdout).toContain('The token has every scope');
    expect(run.stdout).toContain('No problems found.');
    expect(run.code).toBe(0);
  });

  it('diagnoses a bad token and says how to replace it', async () => {
    const run = await doctor({ GHL_API_KEY: 'pit-not-a-real-token-000', GHL_LOCATION_ID: LOCATION });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL +GHL refuses the token \(invalid or expired\): Invalid token/);
    expect(run.stdout).toContain('fix: Create a Private Integration Token');
  });

  it('diagnoses missing scopes from the OAuth grant, naming the tools that need them', async () => {
    await writeGrant(world.tokenFile, storedGrant(world.oauth, { ...location, scopes: ['contacts.readonly', 'locations.readonly'] }, 3600));
    const run = await doctor({ GHL_LOCATION_ID: LOCATION });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL +The token lacks \d+ scope\(s\) that enabled tools need:\n/);
    expect(run.stdout).toMatch(/\n +contacts\.write \(contacts_/);
    expect(run.stdout).not.toMatch(/ +contacts\.readonly \(/);
    expect(run.stdout).toContain('ghl-mcp auth login --scope');
  });

  it('diagnoses a Private Integration Token without the scope to read the location', async () => {
    world.oauth.grant({ userType: 'Location', scopes: ['contacts.readonly'], locationId: LOCATION }, { accessToken: PIT });
    const run = await doctor({ GHL_API_KEY: PIT, GHL_LOCATION_ID: LOCATION });
    expect(run.stdout).toMatch(/warn +The token is valid but lacks locations\.readonly/);
    expect(run.stdout).toContain("GHL does not report a Private Integration Token's scopes");
  });

  it('diagnoses a wrong location for a Private Integration Token', async () => {
    world.oauth.grant({ userType: 'Location', scopes: ['locations.readonly'], locationId: LOCATION }, { accessToken: PIT });
    const run = await doctor({ GHL_API_KEY: PIT, GHL_LOCATION_ID: 'loc-elsewhere' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL +The token has no access to location loc-elsewhere/);
    expect(run.stdout).toContain('fix: GHL_LOCATION_ID must name the location the token belongs to');
  });

  it('diagnoses a location ID that is not a plain ID, without sending it', async () => {
    world.oauth.grant({ userType: 'Location', scopes: ['locations.readonly'], locationId: LOCATION }, { accessToken: PIT });
    const run = await doctor({ GHL_API_KEY: PIT, GHL_LOCATION_ID: '../companies/x' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL +GHL_LOCATION_ID \/ GHL_COMPANY_ID is not a plain ID/);
  });

  it('diagnoses a wrong location for an OAuth sub-account login', async () => {
    await writeGrant(world.tokenFile, storedGrant(world.oauth, location, 3600));
    const run = await doctor({ GHL_LOCATION_ID: 'loc-elsewhere' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`GHL_LOCATION_ID is loc-elsewhere, but the OAuth token belongs to location ${LOCATION}`);
    expect(run.stdout).toContain(`fix: Set GHL_LOCATION_ID=${LOCATION}`);
  });

  it('lists the locations an agency login reaches and flags one outside them', async () => {
    await writeGrant(world.tokenFile, storedGrant(world.oauth, { userType: 'Company', scopes: location.scopes, companyId: 'comp-1' }, 3600));
    const good = await doctor({ GHL_LOCATION_ID: 'loc-b' });
    expect(good.stdout).toContain('The app is installed in 2 location(s) of company comp-1: loc-a (Alpha), loc-b (Beta)');
    expect(good.stdout).toContain('the token can read location loc-b');
    expect(good.code).toBe(0);
    const bad = await doctor({ GHL_LOCATION_ID: 'loc-z' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('GHL_LOCATION_ID loc-z is not among the locations the app is installed in');
    expect(bad.stdout).toContain('set GHL_LOCATION_ID to one of: loc-a, loc-b');
  });

  it('reports a refresh token GHL no longer accepts with the fix', async () => {
    const grant = storedGrant(world.oauth, location, -60);
    await writeGrant(world.tokenFile, { ...grant, refreshToken: 'rt-already-used-elsewhere' });
    const run = await doctor({ GHL_LOCATION_ID: LOCATION });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('GHL refused the stored refresh token');
    expect(run.stdout).toContain('fix: Run `ghl-mcp auth login`');
  });

  it('reports missing credentials and an unreachable GHL', async () => {
    const none = await doctor({ GHL_LOCATION_ID: LOCATION });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('No credentials: GHL_API_KEY is not set');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await doctor({ GHL_API_KEY: PIT, GHL_LOCATION_ID: LOCATION, GHL_BASE_URL: closed, GHL_MAX_RETRIES: '0' });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/FAIL +Could not reach GHL for location loc-one: .*ECONNREFUSED/);
    expect(down.stdout).toContain(`fix: Check the network, a proxy, or GHL_BASE_URL (${closed})`);
  });
});

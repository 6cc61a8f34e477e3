import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuth } from '../../src/auth/auth.js';
import { FileTokenStore, type SaveStep } from '../../src/auth/file-store.js';
import type { TokenStore } from '../../src/auth/token-store.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { GhlClient } from '../../src/client/ghl-client.js';
import { createSendPolicy } from '../../src/client/send-policy.js';
import { parseCli } from '../../src/config.js';
import { Executor } from '../../src/executor.js';
import type { ToolResult } from '../../src/results.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { CLIENT_ID, CLIENT_SECRET, capturedLogger, leaked, LOCATION, oauthWorld, SCOPES, secretsOf, storedGrant, writeGrant } from '../helpers/oauth.js';

const catalog = new Catalog(MODULES, OVERLAYS);
type World = Awaited<ReturnType<typeof oauthWorld>>;

describe('OAuth tokens in a running server', () => {
  let world: World;
  const outputs: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    world = await oauthWorld();
    outputs.length = 0;
  });

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    // Nothing handed out by GHL (codes, access and refresh tokens) or the client secret shows in logs or results.
    expect(leaked(outputs.join('\n'), secretsOf(world.oauth))).toEqual([]);
    await world.close();
  });

  /** The server's own wiring (config → auth → client → executor) over the given token store. */
  function server(store: TokenStore = new FileTokenStore(world.tokenFile), env: Record<string, string> = {}) {
    const config = parseCli([], {
      GHL_CLIENT_ID: CLIENT_ID,
      GHL_CLIENT_SECRET: CLIENT_SECRET,
      GHL_BASE_URL: world.baseUrl,
      GHL_TOKEN_FILE: world.tokenFile,
      GHL_RATE_LIMIT_MAX: '100000',
      ...env,
    }).config!;
    const { logger, text } = capturedLogger();
    const auth = createAuth(config, logger, store);
    const client = new GhlClient(config.baseUrl, auth.tokens, config.timeouts, createSendPolicy(config.rate, logger));
    const defaults = { locationId: config.locationId, companyId: config.companyId };
    const executor = new Executor(client, { defaults, maxResultChars: 60_000, secrets: auth.secrets, notices: auth.notices }, logger);
    closers.push(async () => {
      await client.close();
      await auth.close();
      outputs.push(text());
    });
    return {
      auth,
      logs: text,
      async call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
        const result = await executor.call(catalog.get(name)!, args);
        outputs.push(JSON.stringify(result));
        return result;
      },
    };
  }

  const contactCalls = () => world.fake.requests.filter((req) => req.path.startsWith('/contacts/'));
  const bearerOf = (req: { headers: { authorization?: string } }) => req.headers.authorization?.replace('Bearer ', '');
  const fileTokens = () => JSON.parse(readFileSync(world.tokenFile, 'utf8')) as { accessToken: string; refreshToken: string };
  const location = { userType: 'Location' as const, scopes: SCOPES, locationId: LOCATION };

  it('refreshes ahead of expiry, saves the new pair before using it, and the old refresh token is dead', async () => {
    const old = storedGrant(world.oauth, location, 120);
    await writeGrant(world.tokenFile, old);
    // What the token file holds at the moment each call reaches GHL.
    const onDiskAtArrival: string[] = [];
    world.fake.route('GET', '/contacts/{contactId}', (req) => {
      onDiskAtArrival.push(fileTokens().accessToken);
      return { status: 200, body: { contact: { id: req.params.contactId } } };
    });
    // A save that takes a while (a slow disk) would let a call that does not wait for it arrive first. The HTTP
    // client is loaded beforehand, so loading it on the first call does not cover for a call that skips the wait.
    await import('undici');
    const slowDisk = new FileTokenStore(world.tokenFile, { onStep: (step) => (step === 'synced' ? new Promise((resolve) => setTimeout(resolve, 100)) : undefined) });
    const result = await server(slowDisk).call('contacts_get_contact', { contactId: 'c1' });
    expect(result.isError).toBeFalsy();
    expect(world.refreshes()).toHaveLength(1);
    const used = bearerOf(contactCalls()[0]!);
    expect(used).not.toBe(old.accessToken);
    expect(onDiskAtArrival).toEqual([used]);
    expect(world.oauth.liveRefreshTokens()).toEqual([fileTokens().refreshToken]);
  });

  it('refreshes when GHL calls the token expired, and makes the call once more', async () => {
    const old = storedGrant(world.oauth, location, 3600);
    await writeGrant(world.tokenFile, old);
    world.oauth.expire(old.accessToken);
    const result = await server().call('contacts_get_contact', { contactId: 'c1' });
    expect(result.isError).toBeFalsy();
    expect(contactCalls().map(bearerOf)).toEqual([old.accessToken, fileTokens().accessToken]);
    expect(world.refreshes()).toHaveLength(1);
  });

  it('does not refresh on a 401 for a missing scope', async () => {
    await writeGrant(world.tokenFile, storedGrant(world.oauth, { ...location, scopes: ['locations.readonly'] }, 3600));
    const result = await server().call('contacts_get_contact', { contactId: 'c1' });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).toContain('not authorized for this scope');
    expect(world.refreshes()).toHaveLength(0);
  });

  it('refreshes exactly once for 100 concurrent calls at expiry', async () => {
    await writeGrant(world.tokenFile, storedGrant(world.oauth, location, 1));
    const { call } = server();
    const results = await Promise.all(Array.from({ length: 100 }, (_, index) => call('contacts_get_contact', { contactId: `c${index}` })));
    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(world.refreshes()).toHaveLength(1);
    expect(new Set(contactCalls().map(bearerOf))).toEqual(new Set([fileTokens().accessToken]));
  });

  it('reports a refresh token that was already used with the exact fix, and picks up a new login without a restart', async () => {
    const old = storedGrant(world.oauth, location, -60);
    await writeGrant(world.tokenFile, old);
    // Another client (a copy of the file elsewhere) used the refresh token first.
    const stolen = await fetch(`${world.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: old.refreshToken, user_type: 'Location' }),
    });
    expect(stolen.status).toBe(200);
    const { call } = server();
    const first = await call('contacts_get_contact', { contactId: 'c1' });
    expect(first.isError).toBe(true);
    const text = first.content.map((block) => block.text).join('\n');
    expect(text).toContain('GHL refused the stored refresh token');
    expect(text).toContain('Run `ghl-mcp auth login`');
    const again = await call('contacts_get_contact', { contactId: 'c2' });
    expect(again.isError).toBe(true);
    expect(world.refreshes()).toHaveLength(2); // the other client's and ours: no retry storm
    await writeGrant(world.tokenFile, storedGrant(world.oauth, location, 3600));
    expect((await call('contacts_get_contact', { contactId: 'c3' })).isError).toBeFalsy();
  });

  it('keeps the old file intact when a save fails, says so on every result, and retries until the save lands', async () => {
    const old = storedGrant(world.oauth, location, 1);
    await writeGrant(world.tokenFile, old);
    const before = readFileSync(world.tokenFile, 'utf8');
    let failures = 2;
    const store = new FileTokenStore(world.tokenFile, {
      onStep: (step: SaveStep) => {
        if (step === 'synced' && failures-- > 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    });
    const { call, logs } = server(store);
    const result = await call('contacts_get_contact', { contactId: 'c1' });
    expect(result.isError).toBeFalsy();
    expect(result.content.at(-1)!.text).toMatch(/WARNING: GHL tokens were refreshed but could not be saved .*ENOSPC/);
    expect(readFileSync(world.tokenFile, 'utf8')).toBe(before);
    expect(readdirSync(path.dirname(world.tokenFile))).toEqual(['tokens.json']);
    expect(logs()).toContain('could NOT be saved');
    const fresh = bearerOf(contactCalls()[0]!);
    await vi.waitFor(() => expect(logs()).toContain('saved after an earlier failure'), { timeout: 10_000, interval: 50 });
    expect(fileTokens().accessToken).toBe(fresh);
    const later = await call('contacts_get_contact', { contactId: 'c2' });
    expect(later.content.map((block) => block.text).join('\n')).not.toContain('WARNING');
    expect(world.refreshes()).toHaveLength(1);
  });

  it('mints a location token per location from an agency grant, caches it, and re-mints one GHL calls expired', async () => {
    await writeGrant(world.tokenFile, storedGrant(world.oauth, { userType: 'Company', scopes: SCOPES, companyId: 'comp-1' }, 3600));
    world.oauth.locations.push({ _id: LOCATION, name: 'One', address: '' });
    const { call, auth } = server(undefined, { GHL_LOCATION_ID: 'loc-a' });
    const mints = () => world.fake.requests.filter((req) => req.path === '/oauth/locationToken');
    expect((await call('contacts_get_contact', { contactId: 'c1' })).isError).toBeFalsy();
    expect((await call('contacts_get_contact', { contactId: 'c2' })).isError).toBeFalsy();
    expect(mints().map((req) => new URLSearchParams(req.body).get('locationId'))).toEqual(['loc-a']);
    const tokenA = bearerOf(contactCalls()[0]!)!;
    expect(tokenA).not.toBe(fileTokens().accessToken);
    expect(bearerOf(contactCalls()[1]!)).toBe(tokenA);

    expect((await call('locations_get_location', { locationId: 'loc-b' })).isError).toBeFalsy();
    expect(mints()).toHaveLength(2);

    world.oauth.expire(tokenA);
    expect((await call('contacts_get_contact', { contactId: 'c3' })).isError).toBeFalsy();
    expect(mints()).toHaveLength(3);
    expect(world.refreshes()).toHaveLength(0);

    const outside = await call('locations_get_location', { locationId: 'loc-z' });
    expect(outside.isError).toBe(true);
    expect(outside.content[0]!.text).toContain('installed in location loc-z');
    expect((await auth.oauth!.locations.installed((await auth.oauth!.refresher.current())!)).map((loc) => loc.id)).toEqual(['loc-a', 'loc-b', LOCATION]);
  });
});

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../src/config.js';
import { InboundAuth, tenantCredentials } from '../../src/transports/http/auth.js';
import { ClientRequestCaps } from '../../src/transports/http/limits.js';
import { parseMcpPath, sessionAsk, sessionSelection } from '../../src/transports/http/selection.js';
import { SessionRegistry, type Session } from '../../src/transports/http/sessions.js';
import { type TenantContext, TenantRegistry } from '../../src/transports/http/tenants.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('MCP endpoint paths', () => {
  it.each([
    ['/mcp', { readOnly: false }],
    ['/mcp/', { readOnly: false }],
    ['/mcp/readonly', { readOnly: true }],
    ['/mcp/x/contacts', { toolsets: ['contacts'], readOnly: false }],
    ['/mcp/x/contacts,invoices/readonly', { toolsets: ['contacts', 'invoices'], readOnly: true }],
    ['/mcp/x/default%2Cinvoices', { toolsets: ['default', 'invoices'], readOnly: false }],
  ])('%s', (path, expected) => {
    expect(parseMcpPath(path)).toEqual(expected);
  });

  it.each(['/', '/mcpx', '/mcp/x', '/mcp/x/', '/mcp/x/a/b', '/mcp/readonly/x', '/healthz', '/mcp/x/%E0'])('%s is not an MCP endpoint', (path) => {
    expect(parseMcpPath(path)).toBeUndefined();
  });
});

describe('session selection', () => {
  const server = { toolsets: ['default'], excludeTools: ['contacts_delete_contact'], readOnly: false };

  it('shares the server selection when the session asks for nothing', () => {
    expect(sessionSelection(server, sessionAsk({ readOnly: false }, request({})))).toBeUndefined();
  });

  it('takes toolsets and tools from headers, keeping the server exclusions', () => {
    const ask = sessionAsk({ readOnly: false }, request({ 'x-mcp-toolsets': 'invoices, calendars', 'x-mcp-tools': 'users_get_user' }));
    expect(sessionSelection(server, ask)).toEqual({
      toolsets: ['invoices', 'calendars'],
      tools: ['users_get_user'],
      excludeTools: ['contacts_delete_contact'],
      readOnly: false,
    });
  });

  it('lets the path win over the toolsets header, and adds exclusions', () => {
    const ask = sessionAsk({ toolsets: ['contacts'], readOnly: false }, request({ 'x-mcp-toolsets': 'invoices', 'x-mcp-exclude-tools': 'contacts_create_contact' }));
    expect(sessionSelection(server, ask)).toMatchObject({ toolsets: ['contacts'], excludeTools: ['contacts_delete_contact', 'contacts_create_contact'] });
  });

  it('read-only only narrows: a session cannot lift the server read-only mode', () => {
    const readOnlyServer = { ...server, readOnly: true };
    const ask = sessionAsk({ readOnly: false }, request({ 'x-mcp-readonly': 'false', 'x-mcp-toolsets': 'contacts' }));
    expect(sessionSelection(readOnlyServer, ask)?.readOnly).toBe(true);
    const readOnlySession = sessionSelection(server, sessionAsk({ readOnly: false }, request({ 'x-mcp-readonly': '1' })));
    expect(readOnlySession).toMatchObject({ toolsets: ['default'], readOnly: true });
  });

  it('refuses a read-only header that is neither true nor false', () => {
    expect(() => sessionAsk({ readOnly: false }, request({ 'x-mcp-readonly': 'yes please' }))).toThrow(/X-MCP-Readonly/);
  });
});

describe('inbound bearer auth', () => {
  const auth = new InboundAuth(['token-one-1111', 'token-two-2222']);
  const check = (authorization?: string) => auth.check(request(authorization ? { authorization } : {}));

  it('is off with no tokens configured', () => {
    expect(new InboundAuth([]).check(request({}))).toEqual({ principal: { id: 'anonymous' } });
  });

  it('accepts each configured token as its own principal', () => {
    const one = check('Bearer token-one-1111');
    const two = check('bearer token-two-2222');
    expect('principal' in one && 'principal' in two).toBe(true);
    expect(one).toEqual(check('Bearer token-one-1111'));
    expect(one).not.toEqual(two);
    expect(JSON.stringify(one)).not.toContain('token-one');
  });

  it.each([
    [undefined, 'missing'],
    ['token-one-1111', 'missing'],
    ['Basic dG9rZW4=', 'missing'],
    ['Bearer token-one-111', 'invalid'],
    ['Bearer token-one-11111', 'invalid'],
    ['Bearer TOKEN-ONE-1111', 'invalid'],
  ])('%s → %s', (authorization, refusal) => {
    expect(check(authorization)).toEqual({ refusal });
  });
});

describe('tenant credentials', () => {
  it('identifies a tenant by token, location and company, without keeping the token in the id', () => {
    const a = tenantCredentials(request({ 'x-ghl-token': 'pit-aaaa', 'x-ghl-location-id': 'loc-1' }))!;
    expect(a).toMatchObject({ token: 'pit-aaaa', locationId: 'loc-1' });
    expect(a.id).not.toContain('pit-aaaa');
    expect(tenantCredentials(request({ 'x-ghl-token': 'Bearer pit-aaaa', 'x-ghl-location-id': 'loc-1' }))!.id).toBe(a.id);
    expect(tenantCredentials(request({ 'x-ghl-token': 'pit-aaaa', 'x-ghl-location-id': 'loc-2' }))!.id).not.toBe(a.id);
    expect(tenantCredentials(request({ 'x-ghl-location-id': 'loc-1' }))).toBeUndefined();
  });
});

describe('per-client request caps', () => {
  it('lets a client burst its minute, then paces it, apart from other clients', () => {
    let now = 0;
    const caps = new ClientRequestCaps(3, () => now);
    expect([caps.take('a'), caps.take('a'), caps.take('a')]).toEqual([0, 0, 0]);
    expect(caps.take('a')).toBe(20_000);
    expect(caps.take('b')).toBe(0);
    now = 20_000;
    expect(caps.take('a')).toBe(0);
    expect(caps.take('a')).toBe(20_000);
  });

  it('takes a batch as that many requests, all or none', () => {
    let now = 0;
    const caps = new ClientRequestCaps(10, () => now);
    expect(caps.take('a', 8)).toBe(0);
    // Two left: a batch of three waits for the third (6 s a request), and takes nothing meanwhile.
    expect(caps.take('a', 3)).toBe(6_000);
    expect(caps.wait('a', 2)).toBe(0);
    expect(caps.take('a', 2)).toBe(0);
    expect(caps.wait('a')).toBe(6_000);
    now = 6_000;
    expect(caps.take('a')).toBe(0);
  });

  it('charges a refused client into debt, up to a minute of it, so going on keeps it refused', () => {
    let now = 0;
    const caps = new ClientRequestCaps(60, () => now);
    for (let index = 0; index < 200; index += 1) caps.charge('a');
    expect(caps.wait('a')).toBe(61_000);
    now = 60_000;
    expect(caps.wait('a')).toBe(1_000);
  });
});

describe('HTTP options', () => {
  const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCli(['--http', ...argv], env).config!.http!;

  it('binds loopback by default, with localhost Host names only and CORS off', () => {
    expect(parse([])).toMatchObject({ port: 3000, host: '127.0.0.1', loopback: true, stateless: false, multiTenant: false, authTokens: [], corsOrigins: [] });
    expect(parse([]).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(parseCli([], {}).config!.http).toBeUndefined();
    expect(parseCli([], { GHL_HTTP: 'true', GHL_HTTP_PORT: '8080' }).config!.http!.port).toBe(8080);
  });

  it.each(['0.0.0.0', '192.168.1.10', '::', 'mcp.example.com'])('refuses --host %s without MCP_AUTH_TOKENS', (host) => {
    expect(() => parse(['--host', host])).toThrow(ConfigError);
    expect(() => parse(['--host', host])).toThrow(/MCP_AUTH_TOKENS/);
    expect(parse(['--host', host], { MCP_AUTH_TOKENS: 'a-token, another' })).toMatchObject({ loopback: false, authTokens: ['a-token', 'another'] });
  });

  it.each(['localhost', '127.0.0.5', '::1', '[::1]'])('accepts the loopback host %s without auth', (host) => {
    expect(parse(['--host', host]).loopback).toBe(true);
  });

  it('reads the switches and limits from flags or the environment', () => {
    const http = parse(['--stateless', '--cors-origins', 'https://App.example.com/'], { GHL_HTTP_MULTI_TENANT: '1', GHL_HTTP_MAX_BODY_BYTES: '1024' });
    expect(http).toMatchObject({ stateless: true, multiTenant: true, maxBodyBytes: 1024, corsOrigins: ['https://app.example.com'] });
    expect(() => parse(['--port', '70000'])).toThrow(/65535/);
    expect(() => parse(['--max-sessions', '0'])).toThrow(/positive/);
  });
});

describe('session registry (the live copies of one process)', () => {
  const session = (id: string, owner: string): Session =>
    ({ id, owner, active: 0, streams: 0, lastSeen: 0, release: () => {}, server: { close: async () => {} } }) as unknown as Session;

  it('caps the copies it holds, drops those unused for the idle time, and keeps those in use', async () => {
    let now = 0;
    const registry = new SessionRegistry({ idleMs: 100, max: 3 }, () => now);
    registry.add(session('s1', 'alice'));
    registry.add(session('s2', 'alice'));
    expect(registry.get('s1')?.owner).toBe('alice');
    expect(registry.refusal()).toBeUndefined();
    registry.add(session('s3', 'dave'));
    expect(registry.refusal()).toMatch(/maximum of 3 sessions/);
    const leave = registry.enter(registry.get('s1')!, true);
    expect(registry.streaming().map((held) => held.id)).toEqual(['s1']);
    now = 1000;
    expect(await registry.expireIdle()).toEqual(['s2', 's3']);
    expect(registry.get('s1')).toBeDefined();
    leave();
    expect(registry.streaming()).toEqual([]);
    now = 2000;
    expect(await registry.expireIdle()).toEqual(['s1']);
    expect(registry.size).toBe(0);
  });

  it('removes a copy only when it is the one asked for: a rebuilt copy survives its predecessor closing', async () => {
    const registry = new SessionRegistry({ idleMs: 100, max: 10 });
    const old = session('s1', 'o');
    const rebuilt = session('s1', 'o');
    registry.add(rebuilt);
    await registry.remove('s1', old);
    expect(registry.get('s1')).toBe(rebuilt);
    await registry.remove('s1', rebuilt);
    expect(registry.get('s1')).toBeUndefined();
  });
});

describe('tenant registry', () => {
  it('shares a context per tenant, closes idle ones, and makes room by evicting the least recently used', async () => {
    const closed: string[] = [];
    const build = (credentials: { id: string }) => ({ id: credentials.id, close: async () => void closed.push(credentials.id) }) as unknown as TenantContext;
    let now = 0;
    const registry = new TenantRegistry(build, { idleMs: 100, max: 2 }, () => now);
    const creds = (id: string) => ({ id, token: `t-${id}` });
    const a1 = registry.acquire(creds('a'))!;
    const a2 = registry.acquire(creds('a'))!;
    expect(a1.context).toBe(a2.context);
    const b = registry.acquire(creds('b'))!;
    expect(registry.acquire(creds('c'))).toBeUndefined();
    b.release();
    now = 10;
    expect(registry.acquire(creds('c'))).toBeDefined();
    expect(closed).toEqual(['b']);
    a1.release();
    a2.release();
    now = 500;
    await registry.expireIdle();
    expect(closed).toContain('a');
  });
});

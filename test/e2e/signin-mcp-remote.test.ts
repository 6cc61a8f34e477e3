import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../helpers/http.js';
import { ROOT } from '../helpers/mcp.js';
import { freePort } from '../helpers/oauth.js';
import { ghlBearers, type SigninWorld, startSigninWorld } from '../helpers/signin.js';

const MCP_REMOTE = path.join(ROOT, 'node_modules/mcp-remote/dist/proxy.js');
/** mcp-remote opens the sign-in URL with `open`, whose xdg-open runs $BROWSER: this script plays the person. */
const BROWSER = path.join(ROOT, 'scripts/mcp-remote-browser.mjs');

/**
 * mcp-remote (the stdio ↔ remote bridge most desktop clients use) completes "Sign in with HighLevel" against the
 * built server on its own: 401, discovery, dynamic registration of its loopback callback, the browser walk through
 * the sandbox GHL's chooser and the consent page, the token; then its stdio side lists tools and calls one.
 */
describe('mcp-remote signs in against the server and calls a tool', () => {
  let world: SigninWorld;
  let dir: string;
  let user: string;

  beforeAll(async () => {
    world = await startSigninWorld();
    dir = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-remote-'));
    user = world.sandbox.store.collection('users').all()[1]!.id as string;
  });

  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const browserRuns = () => {
    const log = path.join(dir, 'browser.log');
    return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { ok: boolean; error?: string; steps?: { method: string; url: string; status: number }[] }) : [];
  };

  /** mcp-remote as an MCP client launches it: a stdio child, here with the scripted browser and its own config dir. */
  async function connectThroughMcpRemote(port: number) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MCP_REMOTE, world.server.url, String(port)],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        MCP_REMOTE_CONFIG_DIR: path.join(dir, 'mcp-auth'),
        BROWSER,
        SIGNIN_PRESS: `location:${world.sandbox.locationId},allow`,
        SIGNIN_FIELDS: new URLSearchParams({ user }).toString(),
        SIGNIN_LOG: path.join(dir, 'browser.log'),
      },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'via-mcp-remote', version: '1.0.0' });
    await client.connect(transport).catch((error: Error) => {
      throw new Error(`${error.message}\nmcp-remote said:\n${stderr}\nbrowser: ${JSON.stringify(browserRuns())}`);
    });
    return { client, stderr: () => stderr };
  }

  it('completes the sign-in through its browser callback, lists tools and calls one with the user\'s GHL token', async () => {
    const port = await freePort();
    const since = world.sandbox.fake.requests.length;
    const { client, stderr } = await connectThroughMcpRemote(port);
    try {
      const [run] = browserRuns();
      expect(run?.ok, run?.error).toBe(true);
      const walked = run!.steps!.map(({ method, url, status }) => `${method} ${url} ${status}`);
      expect(walked).toEqual([
        `GET ${world.server.origin}/authorize 302`,
        `GET ${world.sandbox.baseUrl}/v2/oauth/chooselocation 200`,
        `POST ${world.sandbox.baseUrl}/v2/oauth/chooselocation 302`,
        `GET ${world.server.origin}/oauth/callback 200`,
        `POST ${world.server.origin}/consent 302`,
        `GET http://localhost:${port}/oauth/callback 200`,
      ]);

      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('locations_get_location');
      const result = await client.callTool({ name: 'locations_get_location', arguments: {} });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(textOf(result)).toContain(world.sandbox.locationId);
      const bearers = ghlBearers(world.sandbox.fake.requests, since);
      expect(bearers.length).toBeGreaterThan(0);
      for (const token of bearers) expect(world.ghl.oauth.grantOf(token)).toMatchObject({ userId: user, locationId: world.sandbox.locationId });
      expect(stderr()).not.toContain(bearers[0]);
    } finally {
      await client.close();
    }
  }, 90_000);

  it('starts again on the tokens it stored, without sending anyone to the browser', async () => {
    const { client } = await connectThroughMcpRemote(await freePort());
    try {
      const result = await client.callTool({ name: 'locations_get_location', arguments: {} });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(browserRuns()).toHaveLength(1);
    } finally {
      await client.close();
    }
  }, 90_000);
});

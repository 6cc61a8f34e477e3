import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unpackExtension, validateManifest } from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/mcp.js';

type Manifest = {
  version: string;
  server: { mcp_config: { command: string; args: string[]; env: Record<string, string> } };
  user_config: Record<string, { default?: string | boolean }>;
};

const manifest: Manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
let work: string;
let unpacked: string;

/** Starts the unpacked bundle the way Claude Desktop does: ${__dirname} and ${user_config.*} substituted. */
async function startBundle(settings: Record<string, string | boolean>) {
  const values = Object.fromEntries(Object.entries(manifest.user_config).map(([key, option]) => [key, String(settings[key] ?? option.default ?? '')]));
  const fill = (text: string) =>
    text.replace('${__dirname}', unpacked).replace(/\$\{user_config\.(\w+)\}/g, (_, key: string) => {
      expect(values, `user_config.${key} is not declared`).toHaveProperty(key);
      return values[key]!;
    });
  const { command, args, env } = manifest.server.mcp_config;
  const transport = new StdioClientTransport({
    command: command === 'node' ? process.execPath : command,
    args: args.map(fill),
    env: { PATH: process.env.PATH ?? '', GHL_LOG_LEVEL: 'warn', GHL_NO_OVERRIDES: 'true', ...Object.fromEntries(Object.entries(env).map(([name, value]) => [name, fill(value)])) },
    // Not the checkout: the bundle must run on its own, without node_modules.
    cwd: work,
  });
  const client = new Client({ name: 'claude-desktop-like', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ghl-mcpb-test-'));
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/pack-mcpb.mjs'), '--out', path.join(work, 'ghl-mcp.mcpb')], { stdio: 'pipe' });
  unpacked = path.join(work, 'unpacked');
  expect(await unpackExtension({ mcpbPath: path.join(work, 'ghl-mcp.mcpb'), outputDir: unpacked, silent: true })).toBe(true);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Claude Desktop bundle', () => {
  it('has a manifest the mcpb validator accepts, at the package version', () => {
    expect(validateManifest(path.join(ROOT, 'manifest.json'))).toBe(true);
    expect(manifest.version).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    const broken = path.join(work, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...manifest, server: { ...manifest.server, type: 'deno' } }));
    expect(validateManifest(broken)).toBe(false);
  });

  it('packs a bundle that unpacks and serves the sandbox from its own files', async () => {
    const client = await startBundle({ sandbox: true });
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('contacts_search_contacts_advanced');
      expect(names.length).toBeLessThan(60);
      const result = await client.callTool({ name: 'locations_get_location', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain('Bright Smile Dental');
    } finally {
      await client.close();
    }
  });

  it('passes the toolsets and read-only settings through to the server', async () => {
    const client = await startBundle({ sandbox: true, toolsets: 'invoices', read_only: true });
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('invoices_list_invoices');
      expect(names).not.toContain('invoices_void_invoice');
      expect(names).not.toContain('contacts_search_contacts_advanced');
    } finally {
      await client.close();
    }
  });
});

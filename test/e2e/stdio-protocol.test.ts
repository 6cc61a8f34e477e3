import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { CLI, connectStdio } from '../helpers/mcp.js';

/** Runs the server with raw stdio, sends the messages, and returns every byte it wrote to stdout and stderr. */
function rawSession(env: Record<string, string>, messages: object[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI], { env: { PATH: process.env.PATH ?? '', GHL_LOG_LEVEL: 'debug', ...env } });
    let stdout = '';
    let stderr = '';
    let answered = 0;
    const expected = messages.filter((message) => 'id' in message).length;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      answered = stdout.split('\n').filter((line) => line.includes('"id"')).length;
      if (answered >= expected) child.stdin.end();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve({ stdout, stderr }));
    for (const message of messages) child.stdin.write(`${JSON.stringify(message)}\n`);
  });
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('the stdio protocol channel', () => {
  const fake = new FakeGhl({ tokens: ['the-right-token'] });
  let baseUrl: string;

  beforeAll(async () => {
    fake.route('GET', '/contacts/{contactId}', () => ({ status: 200, body: { contact: {} } }));
    baseUrl = await fake.listen();
  });
  afterAll(() => fake.close());

  it('carries only JSON-RPC messages on stdout, while logs go to stderr, on success, refusal and network failure alike', async () => {
    // The connection to GHL is cut under the third call: the network-error path of a call, logged at debug.
    fake.faults.add({ kind: 'reset' }, { path: '/contacts/c-reset', times: 10 });
    const { stdout, stderr } = await rawSession({ GHL_API_KEY: 'the-right-token', GHL_BASE_URL: baseUrl, GHL_MAX_RETRIES: '0' }, [
      initialize,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'contacts_get_contact', arguments: { contactId: 'c1' } } },
      { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'contacts_get_contact', arguments: {} } },
      { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'contacts_get_contact', arguments: { contactId: 'c-reset' } } },
    ]);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length).toBe(5);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    const cut = JSON.parse(lines.at(-1)!) as { id: number; result: { isError: boolean; content: { text: string }[] } };
    expect(cut.id).toBe(5);
    expect(cut.result.isError).toBe(true);
    expect(fake.requests.some((request) => request.path === '/contacts/c-reset')).toBe(true);
    expect(stderr).toContain('serving MCP over stdio');
    expect(stderr).not.toContain('the-right-token');
  });

  it('answers initialize and lists tools with a wrong token, then explains the 401', async () => {
    const session = await connectStdio({ GHL_API_KEY: 'a-wrong-token', GHL_BASE_URL: baseUrl });
    try {
      expect(session.client.getServerVersion()?.name).toBe('ghl-mcp');
      const listed = await session.client.listTools();
      expect(listed.tools.length).toBeGreaterThan(0);
      const result = await session.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: 'c1' } });
      expect(result.isError).toBe(true);
      const text = (result.content as { text: string }[])[0]!.text;
      expect(text).toContain('GHL answered 401');
      expect(text).toContain('contacts.readonly');
      expect(text).not.toContain('a-wrong-token');
    } finally {
      await session.close();
    }
  });

  it('answers initialize with no token at all, says so, and sends nothing on a call', async () => {
    const before = fake.requests.length;
    const session = await connectStdio({ GHL_BASE_URL: baseUrl });
    try {
      expect(session.client.getInstructions()).toContain('GHL_API_KEY');
      const result = await session.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: 'c1' } });
      expect(result.isError).toBe(true);
      expect((result.content as { text: string }[])[0]!.text).toContain('GHL_API_KEY');
      expect(fake.requests.length).toBe(before);
    } finally {
      await session.close();
    }
  });

  it('refuses bad configuration with a clear message and exit code 2', () => {
    const bad = spawnSync(process.execPath, [CLI, '--base-url', 'ftp://nowhere'], { encoding: 'utf8', input: '' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('GHL_BASE_URL');
    expect(bad.stdout).toBe('');
    const unknown = spawnSync(process.execPath, [CLI, '--no-such-flag'], { encoding: 'utf8', input: '' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Usage');
  });
});

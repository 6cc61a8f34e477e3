import path from 'node:path';
import { Client, type ClientOptions } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export interface StdioSession {
  client: Client;
  stderr: () => string;
  close: () => Promise<void>;
}

/** Starts the built server (dist/cli.js) as a child process and connects an SDK client to it over stdio. */
export async function connectStdio(
  env: Record<string, string | undefined>,
  args: string[] = [],
  clientOptions?: ClientOptions,
): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    // Hermetic by default: no live-docs check on failed calls, and no tool overrides saved by a real user.
    env: { PATH: process.env.PATH ?? '', GHL_LOG_LEVEL: 'warn', GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true', ...env } as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'ghl-mcp-tests', version: '1.0.0' }, clientOptions);
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

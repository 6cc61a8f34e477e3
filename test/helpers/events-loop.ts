import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { CLI } from './mcp.js';
import { resultBody, resultText } from './results.js';

type Json = any;

/** A config directory of the test's own: where the sandbox leaves its address and `sandbox simulate` finds it. */
export function ownConfigHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'ghl-events-loop-'));
}

/** `ghl-mcp sandbox simulate ...` as a person runs it in a second terminal; resolves with its exit code and output. */
export function simulateCli(args: string[], configHome: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'sandbox', 'simulate', ...args], { env: { PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: configHome } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** An agent's view of a session: the resource updates it is told of, and tool calls read as an agent reads them. */
export function agent(client: Client) {
  const updated: string[] = [];
  client.setNotificationHandler('notifications/resources/updated', (notification) => void updated.push(notification.params.uri));
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<Json> => {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name} failed: ${resultText(result)}`);
    return resultBody(result);
  };
  const read = async (uri: string): Promise<Json> => JSON.parse(((await client.readResource({ uri })).contents[0] as { text: string }).text);
  return { client, updated, call, read };
}

/** The events resource of a location, as EVENTS serves it. */
export const eventsUri = (locationId: string) => `ghl://locations/${locationId}/events`;

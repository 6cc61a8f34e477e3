import { createInterface } from 'node:readline/promises';
import type { ElicitRequestFormParams, ElicitResult } from '@modelcontextprotocol/server';
import { VERSION } from '../app.js';
import { startCommand } from '../command-start.js';
import { type Config, ConfigError, USAGE } from '../config.js';
import { launch } from '../launch.js';
import { connectLocal, type LocalClient } from './local-client.js';

type Listed = { name: string; description?: string; annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean } };
type CallResult = { content: { type: string; text?: string }[]; isError?: boolean };

const CALL_USAGE = `Usage: ghl-mcp call <tool> ['<json arguments>'] [options]
       ghl-mcp tools [options]       (options as for the server: --sandbox, --toolsets, --read-only, ...)`;

/**
 * `ghl-mcp tools` lists what an MCP client would see; `ghl-mcp call <tool> '<json>'` makes one call, against the
 * sandbox or a real location, without an MCP client. Both drive the real server in this process over an in-memory
 * MCP connection, and print for a person on stdout (logs stay on stderr). Returns the exit code: 0 done, 1 the
 * call failed, 2 the command was wrong.
 */
export async function runTerminalCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const say = (text: string) => void process.stderr.write(`${text}\n`);
  const [command, ...rest] = argv;
  const started = startCommand(rest, env, say, (args) => (command === 'call' ? takeCall(args) : undefined), (request) =>
    request.version ? VERSION : `${CALL_USAGE}\n\n${USAGE}`,
  );
  if ('exit' in started) return started.exit;
  const { config, logger, extra: call } = started;
  const launched = await launch({ ...config, http: undefined }, logger);
  const client = await connectLocal(launched.app.server, { version: VERSION, elicit: process.stdin.isTTY ? askOnTerminal : undefined });
  try {
    return call ? await runCall(client, call.tool, call.args) : await runTools(client, config);
  } catch (error) {
    say(`ghl-mcp: ${(error as Error).message}`);
    return 2;
  } finally {
    await client.close();
    await launched.close();
  }
}

/** `<tool> ['<json>']` off the front of the arguments; the rest are the server's options. */
function takeCall(rest: string[]): { tool: string; args: Record<string, unknown> } {
  const tool = rest.shift();
  if (!tool || tool.startsWith('-')) throw new ConfigError(`call needs a tool name\n${CALL_USAGE}`);
  if (rest[0] === undefined || rest[0].startsWith('--')) return { tool, args: {} };
  const text = rest.shift()!;
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the arguments of ${tool} must be a JSON object: ${(error as Error).message}`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new ConfigError(`the arguments of ${tool} must be a JSON object, got ${text}`);
  return { tool, args: args as Record<string, unknown> };
}

async function runTools(client: LocalClient, config: Config): Promise<number> {
  const tools: Listed[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request<{ tools: Listed[]; nextCursor?: string }>('tools/list', cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  const selection = config.selection;
  const chosen = [`toolsets: ${(selection.toolsets ?? ['default']).join(',')}`, selection.tools && `tools: ${selection.tools.join(',')}`, selection.readOnly && 'read-only']
    .filter(Boolean)
    .join(' · ');
  const width = Math.max(...tools.map((tool) => tool.name.length));
  const columns = process.stdout.columns ?? 120;
  const lines = tools.map((tool) => {
    const line = `${tool.name.padEnd(width)}  ${kind(tool).padEnd(6)}  ${(tool.description ?? '').split('\n')[0]}`;
    return line.length > columns ? `${line.slice(0, columns - 1)}…` : line;
  });
  process.stdout.write(`${tools.length} tools (${chosen})\n${lines.join('\n')}\n`);
  return 0;
}

/** What a tool does to the location, from its annotations (a hint left out means the specification's default). */
function kind(tool: Listed): string {
  if (tool.annotations?.readOnlyHint) return 'read';
  return tool.annotations?.destructiveHint === false ? 'write' : 'delete';
}

async function runCall(client: LocalClient, tool: string, args: Record<string, unknown>): Promise<number> {
  const result = await client.request<CallResult>('tools/call', { name: tool, arguments: args });
  const text = result.content.map((block) => block.text ?? `[${block.type}]`).join('\n');
  process.stdout.write(`${text}\n`);
  return result.isError ? 1 : 0;
}

/** A confirmation the server asks for (--confirm-destructive), answered by the person at the terminal. */
async function askOnTerminal(params: ElicitRequestFormParams): Promise<ElicitResult> {
  const field = Object.entries(params.requestedSchema.properties).find(([, schema]) => schema.type === 'boolean')?.[0];
  if (!field) return { action: 'decline' };
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const reply = await prompt.question(`${params.message} [y/N] `);
    return /^y(es)?$/i.test(reply.trim()) ? { action: 'accept', content: { [field]: true } } : { action: 'decline' };
  } finally {
    prompt.close();
  }
}

import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import type { ToolMessage } from '@langchain/core/messages';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookAndNote, type CallTool } from '../helpers/agent-task.js';
import { type HttpServerProcess, startHttpServer } from '../helpers/http.js';
import { CLI } from '../helpers/mcp.js';

/**
 * Clients none of us wrote, driving the built server in sandbox mode through one multi-step job: the MCP SDK v1
 * client (what most hosts and frameworks embed) and LangChain's MCP adapters, each over stdio and HTTP.
 */

const ENV = { PATH: process.env.PATH ?? '', GHL_LOG_LEVEL: 'warn', GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true' };
const textOf = (result: object) => ((result as { content: unknown }).content as { type: string; text: string }[]).map((block) => block.text).join('\n');

let http: HttpServerProcess;
beforeAll(async () => {
  // At the helper's own log level (info): it waits for the line announcing the URL.
  http = await startHttpServer({ ...ENV, GHL_LOG_LEVEL: undefined, GHL_SANDBOX: '1' });
});
afterAll(() => http?.stop());

type Transport = 'stdio' | 'http';
const TRANSPORTS: Transport[] = ['stdio', 'http'];

describe.each(TRANSPORTS)('MCP SDK v1 client over %s', (transport) => {
  let client: ClientV1;
  beforeAll(async () => {
    client = new ClientV1({ name: 'sdk-v1', version: '1.0.0' });
    await client.connect(
      transport === 'stdio' ? new StdioV1({ command: process.execPath, args: [CLI, '--sandbox'], env: ENV, stderr: 'ignore' }) : new HttpV1(new URL(http.url)),
    );
  });
  afterAll(() => client?.close());

  it('lists the default tools and does the job end to end', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('calendars_create_appointment');
    const call: CallTool = async (name, args) => {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(textOf(result));
      expect(result).not.toHaveProperty('structuredContent');
      return textOf(result);
    };
    await bookAndNote(call);
  });
});

describe.each(TRANSPORTS)('LangChain MCP adapters over %s', (transport) => {
  let adapter: MultiServerMCPClient;
  let tools: Awaited<ReturnType<MultiServerMCPClient['getTools']>>;
  const tool = (name: string) => tools.find((candidate) => candidate.name === name);
  let callId = 0;
  /** As a LangGraph ToolNode does: invoke the tool with the model's tool call, read the ToolMessage it returns. */
  const invoke = async (name: string, args: Record<string, unknown>) =>
    (await tool(name)!.invoke({ type: 'tool_call', id: `call-${(callId += 1)}`, name, args })) as ToolMessage;

  beforeAll(async () => {
    const server = transport === 'stdio'
      ? { transport: 'stdio' as const, command: process.execPath, args: [CLI, '--sandbox'], env: ENV, stderr: 'ignore' as const }
      : { transport: 'http' as const, url: http.url };
    adapter = new MultiServerMCPClient({ mcpServers: { ghl: server } });
    tools = await adapter.getTools();
  });
  afterAll(() => adapter?.close());

  it('does the job through its tools; tools enabled later are reached through ghl_call_tool', async () => {
    expect(tool('ghl_call_tool')).toBeDefined();
    const through: string[] = [];
    await bookAndNote(async (name, args) => {
      // The adapter loaded its tools once and never re-reads them: what it does not list goes through ghl_call_tool.
      const message = tool(name) ? await invoke(name, args) : (through.push(name), await invoke('ghl_call_tool', { name, arguments: JSON.stringify(args) }));
      expect(message.status).toBe('success');
      return message.content as string;
    });
    expect(through).toEqual(['contacts_get_appointments_for_contact']);
    expect(tool('invoices_list_invoices')).toBeUndefined();
  });

  it("gives the model the server's text once: no structured copy beside or inside it", async () => {
    const raw = await (await adapter.getClient('ghl'))!.callTool({ name: 'calendars_get_calendars', arguments: {} });
    const message = await invoke('calendars_get_calendars', {});
    expect(message.content).toBe(textOf(raw));
    expect(message.artifact).toEqual([]);
    const calendarId = /"id":"(\w+)"/.exec(message.content as string)![1]!;
    expect((message.content as string).split(calendarId)).toHaveLength(2);
  });

  it("a failed call reaches the model with the server's first line, naming what went wrong", async () => {
    const failure = await invoke('contacts_get_contact', { contactId: 'nope1234nope1234nope' }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/Error: GHL answered 404/);
  });
});

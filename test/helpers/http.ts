import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CLI } from './mcp.js';

export interface HttpServerProcess {
  /** The MCP endpoint the server announced, e.g. http://127.0.0.1:41234/mcp. */
  url: string;
  /** scheme://host:port, for /healthz and hand-made requests. */
  origin: string;
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Starts the built server with --http on a free loopback port and waits until it announces its endpoint. `entry`:
 * node's arguments before the CLI options, when a test harness (test/helpers/conformance-fixtures.ts) runs instead.
 */
export async function startHttpServer(env: Record<string, string | undefined>, args: string[] = [], entry: string[] = [CLI]): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [...entry, '--http', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', GHL_LOG_LEVEL: 'info', ...env } as Record<string, string>,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  // 'close' comes after the process has exited and its stderr is fully read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const announced = /"url":"(http:\/\/[^"]+\/mcp)"/.exec(stderr);
      if (announced) resolve(announced[1]!);
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    child,
    stderr: () => stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface HttpClientOptions {
  headers?: Record<string, string>;
  /** The inbound bearer token (MCP_AUTH_TOKENS). */
  token?: string;
}

export interface HttpSession {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Ends the server-side session (DELETE; a stateless server refuses it, which is fine) and closes the client. */
  close: () => Promise<void>;
}

/** An SDK client connected over streamable HTTP. */
export async function connectHttp(url: string, options: HttpClientOptions = {}): Promise<HttpSession> {
  const headers = { ...options.headers, ...(options.token && { authorization: `Bearer ${options.token}` }) };
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'ghl-mcp-http-tests', version: '1.0.0' });
  await client.connect(transport);
  const close = async () => {
    if (transport.sessionId) await transport.terminateSession().catch(() => {});
    await client.close();
  };
  return { client, transport, close };
}

/** The JSON-RPC initialize request body, for hand-made requests. */
export function initializeBody(id = 1): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
}

export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The text of a tool result's first content block. */
export function textOf(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0]?.text ?? '') as string;
}

/** A request with exactly the headers given (fetch would replace Host), answered with status, headers and body. */
export function rawRequest(
  url: string,
  /** `localAddress` (another loopback address, 127.0.0.x) makes the request come from another client address. */
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers, localAddress: options.localAddress }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import path from 'node:path';

/**
 * How the docs host behaves: serve the folder, answer with broken JSON, stream a body without end and without a
 * length (only a size limit stops it), or accept the connection and never answer.
 */
export type DocsMode = 'serve' | 'malformed' | 'huge' | 'hang';

/** A loopback stand-in for raw.githubusercontent.com: serves a docs folder (`apps/`, `common/`) and counts requests. */
export class DocsServer {
  mode: DocsMode = 'serve';
  readonly requests: string[] = [];
  private server?: Server;

  constructor(private readonly root: string) {}

  /** Listens on loopback; returns the base URL of the module documents (`…/apps/`). */
  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.answer(req.url ?? '/', res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/apps/`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(url: string, res: ServerResponse): Promise<void> {
    this.requests.push(url);
    if (this.mode === 'hang') return;
    if (this.mode === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"openapi": "3.0.0", "paths": {');
    if (this.mode === 'huge') return this.endless(res);
    const file = path.join(this.root, path.normalize(decodeURIComponent(url)).replace(/^(\.\.[/\\])+/, ''));
    const body = await readFile(file).catch(() => undefined);
    if (!body) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }

  /** A chunked body of spaces that never ends (JSON allows leading whitespace, so only the size limit can refuse it). */
  private endless(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  }
}

/** A loopback port nothing listens on: the docs host is down. */
export async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

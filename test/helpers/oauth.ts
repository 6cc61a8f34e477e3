import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileTokenStore, type FileStoreOptions } from '../../src/auth/file-store.js';
import type { StoredTokens } from '../../src/auth/token-store.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { type FakeGrantSpec, FakeOAuth } from '../../src/sandbox/fake-oauth.js';
import { CLI } from './mcp.js';

export const CLIENT_ID = '6578278e879ad2646715ba9c-lq4sy5lw';
export const CLIENT_SECRET = 'client-secret-0123456789abcdef';
export const LOCATION = 'loc-one';
export const SCOPES = ['contacts.readonly', 'contacts.write', 'locations.readonly', 'oauth.readonly', 'oauth.write'];

/** The fake GHL with OAuth on, a contact route to call, and a scratch directory for token files. */
export async function oauthWorld(consent: Partial<FakeGrantSpec> = {}) {
  const fake = new FakeGhl({ tokens: [] });
  const oauth = new FakeOAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    consent: { userType: 'Location', scopes: SCOPES, locationId: LOCATION, ...consent },
    locations: [
      { _id: 'loc-a', name: 'Alpha', address: '1 A St' },
      { _id: 'loc-b', name: 'Beta', address: '2 B St' },
    ],
  }).install(fake);
  fake
    .route('GET', '/contacts/{contactId}', (req) => ({ status: 200, body: { contact: { id: req.params.contactId } } }))
    .route('GET', '/locations/{locationId}', (req) => ({ status: 200, body: { location: { id: req.params.locationId } } }));
  const baseUrl = await fake.listen();
  const dir = mkdtempSync(path.join(tmpdir(), 'ghl-auth-'));
  return {
    fake,
    oauth,
    baseUrl,
    dir,
    tokenFile: path.join(dir, 'config', 'tokens.json'),
    /** The requests that asked for a refresh. */
    refreshes: () => fake.requests.filter((req) => req.path === '/oauth/token' && req.body.includes('grant_type=refresh_token')),
    async close() {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stored grant as `auth login` would have saved it, issued by the fake. */
export function storedGrant(oauth: FakeOAuth, spec: FakeGrantSpec, expiresInSeconds: number): StoredTokens {
  const { accessToken, refreshToken } = oauth.grant(spec, { expiresInSeconds });
  return {
    accessToken,
    refreshToken: refreshToken!,
    expiresAt: Date.now() + expiresInSeconds * 1000,
    userType: spec.userType,
    scope: spec.scopes.join(' '),
    locationId: spec.locationId,
    companyId: spec.companyId,
    clientId: CLIENT_ID,
    savedAt: Date.now(),
  };
}

export async function writeGrant(file: string, tokens: StoredTokens, options?: FileStoreOptions): Promise<FileTokenStore> {
  const store = new FileTokenStore(file, options);
  await store.save(tokens);
  return store;
}

/** A real logger (same redaction as the server) writing into memory, for grepping. */
export function capturedLogger(level = 'debug'): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

/** Every secret value in play: none may appear in a log, an error or a result. */
export function secretsOf(oauth: FakeOAuth): string[] {
  return [CLIENT_SECRET, ...oauth.issued];
}

export function leaked(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`auth ...`, `doctor`) to completion. */
export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<CommandRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** A free loopback port, for the login's redirect listener (a real app registers a fixed one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

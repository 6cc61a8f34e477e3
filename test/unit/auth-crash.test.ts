import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../src/auth/file-store.js';
import type { StoredTokens } from '../../src/auth/token-store.js';
import { ROOT } from '../helpers/mcp.js';
import { CLIENT_ID, CLIENT_SECRET, LOCATION, oauthWorld, SCOPES, storedGrant, writeGrant } from '../helpers/oauth.js';

type World = Awaited<ReturnType<typeof oauthWorld>>;

function runChild(world: World, killAt: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/refresh-child.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, BASE_URL: world.baseUrl, TOKEN_FILE: world.tokenFile, KILL_AT: killAt, CLIENT_ID, CLIENT_SECRET },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe('a process killed while or after it saves a refreshed pair', () => {
  let world: World;
  beforeEach(async () => {
    world = await oauthWorld();
  });
  afterEach(() => world.close());

  // Before the rename the file still holds the old pair, complete; the finished temp file carries the new one
  // and the next load adopts it. From the rename on, the file itself holds the new pair.
  it.each([
    ['written', 'old'],
    ['synced', 'old'],
    ['renamed', 'new'],
    ['saved', 'new'],
    ['after-call', 'new'],
  ])('killed at %s: the file is whole and no refresh token is lost', async (killAt, inFile) => {
    const old = storedGrant(world.oauth, { userType: 'Location', scopes: SCOPES, locationId: LOCATION }, -60);
    await writeGrant(world.tokenFile, old);
    const outcome = await runChild(world, killAt);
    expect(outcome.signal, outcome.stderr).toBe('SIGKILL');
    expect(world.refreshes()).toHaveLength(1);
    const [issued] = world.oauth.liveRefreshTokens();
    expect(issued).not.toBe(old.refreshToken);

    const raw = JSON.parse(readFileSync(world.tokenFile, 'utf8')) as StoredTokens;
    expect(raw.refreshToken).toBe(inFile === 'old' ? old.refreshToken : issued);
    const loaded = await new FileTokenStore(world.tokenFile).load();
    expect(loaded!.refreshToken).toBe(issued);
  });
});

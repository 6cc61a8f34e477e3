// A refresher killed (SIGKILL) while it holds the Redis refresh lock, and what it costs the other processes: two
// servers sharing the Redis token store with an expired grant call GHL right after the kill; their first calls'
// delays are reported. Twice: the dead holder on this machine (seen at once from its PID), and a holder on
// another machine that stopped renewing (the lock runs out on its own, within its TTL). Needs redis-server.
// Usage: npm run build && node bench/refresh-lock.mjs
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Redis } from 'ioredis';
import { register } from 'tsx/esm/api';
import { CLI, ROOT } from './lib.mjs';
import { round } from './separate-fake.js';

// The tests' own helpers (TypeScript), loaded through tsx.
register();
const { redisServerMissing, startOwnRedis } = await import('../test/helpers/redis-server.ts');
if (redisServerMissing()) {
  process.stdout.write(`${JSON.stringify({ bench: 'refresh-lock', skipped: 'redis-server is not installed' })}\n`);
  process.exit(0);
}
const { CLIENT_ID, CLIENT_SECRET, LOCATION, SCOPES, oauthWorld, storedGrant } = await import('../test/helpers/oauth.ts');
const { newLockOwner } = await import('../src/auth/lock-owner.ts');

const KEY = `ghl-mcp:oauth:${CLIENT_ID}`;
const LOCK_TTL_MS = 4_000;
const redis = await startOwnRedis();
const raw = new Redis(redis.url);

const sameMachine = await scenario(async (world) => {
  // The holder's call to GHL hangs, so it is killed with the lock held and the old refresh token unused.
  world.fake.faults.add({ kind: 'latency', ms: 120_000 }, { path: '/oauth/token' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/refresh-child.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, BASE_URL: world.baseUrl, STORE: 'redis', REDIS_URL: redis.url, REDIS_KEY: KEY, CLIENT_ID, CLIENT_SECRET },
    stdio: 'ignore',
  });
  while (world.refreshes().length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  world.fake.faults.clear();
});

const otherMachine = await scenario(async () => {
  // A holder elsewhere, dead just after renewing: nothing here can tell, so the lock runs out by itself.
  await raw.set(`${KEY}:lock`, JSON.stringify({ ...newLockOwner(), host: 'another-machine' }), 'PX', LOCK_TTL_MS);
});

await raw.quit();
await redis.stop();
const result = {
  bench: 'refresh-lock',
  lockTtlMs: LOCK_TTL_MS,
  sameMachine,
  otherMachine,
  targets: { sameMachineDelayMs: 2_000, otherMachineDelayMs: LOCK_TTL_MS + 1_000, bareTimeouts: 0, errors: 0 },
};
result.pass = {
  sameMachine: sameMachine.maxDelayMs <= 2_000 && sameMachine.errors === 0 && sameMachine.bareTimeouts === 0,
  otherMachine: otherMachine.maxDelayMs <= LOCK_TTL_MS + 1_000 && otherMachine.errors === 0 && otherMachine.bareTimeouts === 0,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

/**
 * Two servers over the Redis token store holding an expired grant; `holdLock` leaves a dead holder's lock; then
 * each server makes three calls at once and the time from then to each answer is measured.
 */
async function scenario(holdLock) {
  const world = await oauthWorld();
  await raw.set(KEY, JSON.stringify(storedGrant(world.oauth, { userType: 'Location', scopes: SCOPES, locationId: LOCATION }, -60)));
  const env = {
    PATH: process.env.PATH ?? '',
    GHL_CLIENT_ID: CLIENT_ID,
    GHL_CLIENT_SECRET: CLIENT_SECRET,
    GHL_BASE_URL: world.baseUrl,
    GHL_LOCATION_ID: LOCATION,
    REDIS_URL: redis.url,
    GHL_TOKEN_STORE: 'redis',
    GHL_LOG_LEVEL: 'error',
    GHL_SELF_UPDATE: 'off',
  };
  const clients = await Promise.all(
    [0, 1].map(async () => {
      const client = new Client({ name: 'bench', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI], env, stderr: 'ignore' }));
      return client;
    }),
  );
  await holdLock(world);
  const started = performance.now();
  const outcomes = await Promise.all(
    clients.flatMap((client, server) =>
      [0, 1, 2].map(async (index) => {
        const result = await client.callTool({ name: 'contacts_get_contact', arguments: { contactId: `c${server}-${index}` } }, { timeout: 120_000 });
        return { ms: performance.now() - started, text: result.isError ? result.content[0]?.text ?? '' : undefined };
      }),
    ),
  );
  await Promise.all(clients.map((client) => client.close()));
  const refreshed = world.oauth.liveRefreshTokens().length;
  await world.close();
  await raw.del(KEY, `${KEY}:lock`);
  const delays = outcomes.map((outcome) => round(outcome.ms));
  return {
    calls: outcomes.length,
    delaysMs: delays,
    maxDelayMs: Math.max(...delays),
    errors: outcomes.filter((outcome) => outcome.text !== undefined).length,
    bareTimeouts: outcomes.filter((outcome) => /timed out/i.test(outcome.text ?? '')).length,
    liveRefreshTokens: refreshed,
  };
}

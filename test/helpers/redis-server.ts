import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** The Redis the tests share: started by .ci/run (port 6390), or GHL_TEST_REDIS_URL. */
export const TEST_REDIS_URL = process.env.GHL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';

/**
 * True when tests that need Redis must be skipped. With GHL_REQUIRE_REDIS=1 (set by .ci/run) a missing Redis is
 * a failure, not a skip.
 */
export async function redisMissing(url = TEST_REDIS_URL): Promise<boolean> {
  if (await answersPing(url)) return false;
  return missing(`no Redis answers at ${url} (start one, e.g. \`redis-server --port 6390\`, or set GHL_TEST_REDIS_URL)`);
}

/** True when tests that start their own Redis (to kill it) must be skipped: redis-server is not installed. */
export function redisServerMissing(): boolean {
  if (spawnSync('redis-server', ['--version']).status === 0) return false;
  return missing('redis-server is not installed (apt-get install redis-server)');
}

function missing(reason: string): boolean {
  if (process.env.GHL_REQUIRE_REDIS === '1') throw new Error(`GHL_REQUIRE_REDIS=1 but ${reason}`);
  process.stderr.write(`Skipping tests that need Redis: ${reason}.\n`);
  return true;
}

export interface OwnRedis {
  url: string;
  readonly process: ChildProcess;
  /** SIGSTOP: the process hangs with its socket open, answering nothing (a hung Redis, not a dead one). */
  pause(): void;
  /** SIGCONT: it answers again, working through what arrived meanwhile. */
  resume(): void;
  /** Kills it and starts an empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A private redis-server on a free (or the given) loopback port, for tests that kill or hang it. */
export async function startOwnRedis(port?: number): Promise<OwnRedis> {
  port ??= await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child = await spawnRedis(port, url);
  const ownPort = port;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    get process() {
      return child;
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    restart: async () => {
      await stop();
      child = await spawnRedis(ownPort, url);
    },
    stop,
  };
}

async function spawnRedis(port: number, url: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; !(await answersPing(url)); attempt += 1) {
    if (attempt > 100) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

/** True when a Redis answers PING at `url`. */
export function answersPing(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

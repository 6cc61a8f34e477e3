import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HttpServerProcess, startHttpServer } from './http.js';
import { type OwnRedis, startOwnRedis } from './redis-server.js';

/** One request as the balancer passed it on: to which replica slot, and what it was. */
export interface Routed {
  slot: number;
  method: string;
  session?: string;
  /** The Last-Event-ID a client resumed a stream with, if any. */
  lastEventId?: string;
  /** The replica's answer status (0 when it never answered). */
  status: number;
}

export interface Balancer {
  /** The MCP endpoint clients use. */
  url: string;
  /** Every request passed on so far, in order of arrival. */
  routed: Routed[];
  /** The next request goes to this slot (if up), the round continuing from there: a test picks "another replica". */
  aim(slot: number): void;
  close(): Promise<void>;
}

/**
 * A plain round-robin load balancer in front of replica slots: each request goes to the next slot that is up, with
 * no stickiness of any kind. Responses stream through as they come (SSE is never buffered), and a client hanging up
 * ends the request to the replica too, as a real proxy does.
 */
export async function roundRobin(targets: () => (string | undefined)[]): Promise<Balancer> {
  let next = 0;
  const routed: Routed[] = [];
  const pick = (): { slot: number; target: URL } | undefined => {
    const all = targets();
    for (let tried = 0; tried < all.length; tried += 1) {
      const slot = next++ % all.length;
      if (all[slot]) return { slot, target: new URL(all[slot]!) };
    }
    return undefined;
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chosen = pick();
    if (!chosen) return void res.writeHead(502).end('no replica is up');
    const entry: Routed = { slot: chosen.slot, method: req.method ?? '?', session: req.headers['mcp-session-id'] as string | undefined, lastEventId: req.headers['last-event-id'] as string | undefined, status: 0 };
    routed.push(entry);
    const { target } = chosen;
    // A fresh connection per request: a kept-alive one the replica closes just as a request goes out would lose it.
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent: false }, (answer) => {
      entry.status = answer.statusCode ?? 502;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    routed,
    aim: (slot) => {
      next = slot;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface ReplicaSet {
  /** The balancer's MCP endpoint. */
  url: string;
  balancer: Balancer;
  /** The replica in each slot (replaced by a restart). */
  replicas: HttpServerProcess[];
  redis: OwnRedis;
  /**
   * A rolling restart of one slot: the balancer stops sending it requests, the replica gets SIGTERM (and drains),
   * a new one starts with the same settings and takes requests again. Resolves once the new one listens.
   */
  restart(slot: number): Promise<void>;
  /** Every replica's log so far, the restarted ones' included. */
  logs(): string[];
  close(): Promise<void>;
}

export interface ReplicaOptions {
  count: number;
  env: Record<string, string | undefined>;
  args?: string[];
  /** Node's arguments before the CLI options, for a test harness instead of dist/cli.js (see startHttpServer). */
  entry?: string[];
  /** A Redis of the caller's; default: a private redis-server for this set (pub/sub channels are global to a Redis). */
  redis?: OwnRedis;
}

/** N real server processes (`--http`) sharing one Redis, behind a round-robin balancer. */
export async function startReplicas(options: ReplicaOptions): Promise<ReplicaSet> {
  const redis = options.redis ?? (await startOwnRedis());
  const env = { ...options.env, REDIS_URL: redis.url };
  const start = () => startHttpServer(env, options.args ?? [], options.entry);
  const replicas = await Promise.all(Array.from({ length: options.count }, start));
  const retired: HttpServerProcess[] = [];
  const down = new Set<number>();
  const balancer = await roundRobin(() => replicas.map((replica, slot) => (down.has(slot) ? undefined : replica.url)));
  return {
    url: balancer.url,
    balancer,
    replicas,
    redis,
    restart: async (slot) => {
      down.add(slot);
      const old = replicas[slot]!;
      retired.push(old);
      await old.stop('SIGTERM');
      replicas[slot] = await start();
      down.delete(slot);
    },
    logs: () => [...retired, ...replicas].map((replica) => replica.stderr()),
    close: async () => {
      await balancer.close();
      await Promise.all(replicas.map((replica) => replica.stop()));
      if (!options.redis) await redis.stop();
    },
  };
}

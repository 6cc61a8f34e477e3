import type { Bus } from './bus.js';
import { LocalBus } from './local-bus.js';
import { RedisBus } from './redis-bus.js';

export type { Bus } from './bus.js';

/** The deployment's bus: over Redis when REDIS_URL is set (replicas hear each other), in process otherwise. */
export function createBus(redisUrl: string | undefined, onError: (error: unknown) => void): Bus {
  return redisUrl ? new RedisBus({ url: redisUrl, onError }) : new LocalBus(onError);
}

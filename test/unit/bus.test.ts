import { afterAll, describe, expect, it } from 'vitest';
import { LocalBus } from '../../src/bus/local-bus.js';
import { RedisBus } from '../../src/bus/redis-bus.js';
import type { Bus } from '../../src/bus/bus.js';
import { redisMissing, TEST_REDIS_URL } from '../helpers/redis-server.js';

/** The next message on a topic, or what arrived within the wait: resolves on the event, not after a sleep. */
function next(bus: Bus, topic: string): Promise<unknown> {
  return new Promise((resolve) => {
    const stop = bus.subscribe(topic, (message) => {
      stop();
      resolve(message);
    });
  });
}

describe('local bus', () => {
  it('delivers a copy to every subscriber of the topic and none to others', async () => {
    const bus = new LocalBus();
    const seen: unknown[] = [];
    bus.subscribe('other', (message) => seen.push(['other', message]));
    const sent = { uri: 'ghl://locations/L1/pipelines' };
    const received = next(bus, 'resources');
    await bus.publish('resources', sent);
    const message = await received;
    expect(message).toEqual(sent);
    expect(message).not.toBe(sent);
    await bus.publish('resources', { again: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
  });

  it('keeps delivering to the others when one handler throws, and reports the error', async () => {
    const errors: unknown[] = [];
    const bus = new LocalBus((error) => errors.push(error));
    bus.subscribe('t', () => {
      throw new Error('broken handler');
    });
    const received = next(bus, 't');
    await bus.publish('t', 1);
    expect(await received).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('stops delivering once unsubscribed', async () => {
    const bus = new LocalBus();
    const seen: unknown[] = [];
    const stop = bus.subscribe('t', (message) => seen.push(message));
    await bus.publish('t', 1);
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    await bus.publish('t', 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([1]);
  });
});

describe.skipIf(await redisMissing())('redis bus', () => {
  const prefix = `test-bus-${process.pid}-${Date.now()}:`;
  const buses: RedisBus[] = [];
  const bus = () => {
    const made = new RedisBus({ url: TEST_REDIS_URL, prefix });
    buses.push(made);
    return made;
  };
  afterAll(async () => Promise.all(buses.map((made) => made.close())));

  it('carries a message from one replica to every other replica subscribed to the topic', async () => {
    const [a, b, c] = [bus(), bus(), bus()];
    const atB = next(b, 'notify');
    const atC = next(c, 'notify');
    const atA = next(a, 'notify');
    await Promise.all([a.ready(), b.ready(), c.ready()]);
    await a.publish('notify', { session: 's1', method: 'notifications/tools/list_changed' });
    const expected = { session: 's1', method: 'notifications/tools/list_changed' };
    expect(await atB).toEqual(expected);
    expect(await atC).toEqual(expected);
    expect(await atA).toEqual(expected);
    expect(new Set([a.origin, b.origin, c.origin]).size).toBe(3);
  });

  it('keeps topics apart and stops hearing a topic after the last handler leaves', async () => {
    const [a, b] = [bus(), bus()];
    const seen: unknown[] = [];
    const stop = b.subscribe('quiet', (message) => seen.push(message));
    const marker = next(b, 'marker');
    await b.ready();
    stop();
    await a.publish('quiet', 'lost');
    await a.publish('marker', 'done');
    // Redis delivers in publish order on one connection: the marker arriving means 'quiet' would have too.
    expect(await marker).toBe('done');
    expect(seen).toEqual([]);
  });
});

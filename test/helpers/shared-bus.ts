import { type Bus, Handlers } from '../../src/bus/bus.js';

/**
 * Replicas on one bus inside a test, each with its own origin (as with Redis, unlike one LocalBus): a message
 * reaches every replica's subscribers, a copy of it, never synchronously. Returns a bus per origin.
 */
export function sharedBus(): (origin: string) => Bus {
  const handlers = new Handlers();
  return (origin) => ({
    origin,
    publish: async (topic, message) => {
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      queueMicrotask(() => handlers.deliver(topic, copy, () => {}));
    },
    subscribe: (topic, handler) => {
      const { remove } = handlers.add(topic, handler);
      return () => void remove();
    },
    close: async () => {},
  });
}

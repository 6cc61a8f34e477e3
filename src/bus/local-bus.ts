import { randomUUID } from 'node:crypto';
import { type Bus, Handlers } from './bus.js';

/** The bus of a single process: delivers on the next tick, as a remote bus would never deliver synchronously. */
export class LocalBus implements Bus {
  readonly origin = randomUUID();
  private readonly handlers = new Handlers();

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  async publish(topic: string, message: unknown): Promise<void> {
    // A copy, as JSON over Redis would be: a subscriber can never mutate the publisher's object.
    const copy = JSON.parse(JSON.stringify(message ?? null)) as unknown;
    queueMicrotask(() => this.handlers.deliver(topic, copy, this.onError));
  }

  subscribe(topic: string, handler: (message: unknown) => void): () => void {
    const { remove } = this.handlers.add(topic, handler);
    return () => void remove();
  }

  async close(): Promise<void> {}
}

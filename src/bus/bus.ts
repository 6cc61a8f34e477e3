/**
 * Messages between the replicas of one deployment: session notifications (tool lists, resource updates), resource
 * cache invalidation, new webhook events. In one process without Redis the local bus delivers in process; with
 * REDIS_URL every replica (this one included) hears every message published on a topic it subscribed to.
 */
export interface Bus {
  /** Sends a JSON-serialisable message to every subscriber of the topic, on every replica. */
  publish(topic: string, message: unknown): Promise<void>;
  /** Calls the handler for each message on the topic; the returned function unsubscribes. */
  subscribe(topic: string, handler: (message: unknown) => void): () => void;
  /** This replica's id: lets a subscriber skip what it published itself when it has already acted on it. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Topic handlers of one process, shared by the local and the Redis bus. */
export class Handlers {
  private readonly byTopic = new Map<string, Set<(message: unknown) => void>>();

  add(topic: string, handler: (message: unknown) => void): { first: boolean; remove: () => { last: boolean } } {
    let set = this.byTopic.get(topic);
    const first = !set;
    if (!set) this.byTopic.set(topic, (set = new Set()));
    set.add(handler);
    return {
      first,
      remove: () => {
        set!.delete(handler);
        if (set!.size > 0 || this.byTopic.get(topic) !== set) return { last: false };
        this.byTopic.delete(topic);
        return { last: true };
      },
    };
  }

  /** Delivers to each handler; one handler's failure never stops the others. */
  deliver(topic: string, message: unknown, onError: (error: unknown) => void): void {
    for (const handler of [...(this.byTopic.get(topic) ?? [])]) {
      try {
        handler(message);
      } catch (error) {
        onError(error);
      }
    }
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }
}

import type { Logger } from '../logger.js';
import type { ResourceChange } from '../resources/changes.js';
import type { ResourceDefinition } from '../resources/types.js';
import { EventFeed } from './feed.js';
import type { LoggedEvent } from './log.js';
import type { WebhookConfig } from './options.js';
import { changeOf } from './reactions.js';
import { createWebhookReceiver, type WebhookReceiver, webhookStores } from './receiver.js';
import { eventsResource } from './resource.js';

/** Where the changes an event makes are announced: the resource hub (every replica's cache and subscribers). */
export interface ChangeSink {
  invalidate(change: ResourceChange): Promise<void>;
}

/**
 * The process's events: one event log (Redis streams with REDIS_URL, a ring in memory otherwise), the receiver
 * that fills it (served by the HTTP server, or by a stdio server's own listener), the feed agents read through,
 * and the events resource. Without --webhooks there is no log and no resource; the tools say how to turn it on.
 */
export class AppEvents {
  readonly feed?: EventFeed;
  readonly receiver?: WebhookReceiver;
  /** `ghl://locations/{locationId}/events`, when events are received. */
  readonly resource?: ResourceDefinition;
  private sink?: ChangeSink;

  constructor(
    config: WebhookConfig | undefined,
    redisUrl: string | undefined,
    private readonly logger: Logger,
  ) {
    if (config) {
      const stores = webhookStores(config, redisUrl, logger);
      this.feed = new EventFeed(stores.log);
      this.receiver = createWebhookReceiver(config, logger, stores, (event) => this.react(event));
      this.resource = eventsResource(this.feed);
    }
  }

  /** From now on each event this process receives is announced to `sink` (set once the hub exists). */
  announceTo(sink: ChangeSink): void {
    this.sink = sink;
  }

  async close(): Promise<void> {
    this.feed?.close();
    await this.receiver?.close();
  }

  private async react(event: LoggedEvent): Promise<void> {
    const change = changeOf(event);
    if (!change || !this.sink) return;
    this.logger.debug({ event: event.type, locationId: event.locationId, resources: change.resources }, 'event: resources changed');
    await this.sink.invalidate(change);
  }
}

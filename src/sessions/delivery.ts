import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Bus } from '../bus/index.js';
import type { Logger } from '../logger.js';
import { type EventLog, parseEventId, STANDALONE_STREAM } from './events.js';
import type { RecordStore } from './records.js';
import { SessionEvents } from './session-events.js';

/** A notification the server sends on its own (no request it answers). */
export interface Notification {
  method: string;
  params?: Record<string, unknown>;
}

/** A session whose GET stream this replica holds: where a kept message is written. */
export interface HeldStream {
  events: SessionEvents;
  transport: { send(message: JSONRPCMessage): Promise<void> };
}

interface StreamEvent {
  session: string;
  id: string;
  message: JSONRPCMessage;
  origin: string;
}

const EVENT_TOPIC = 'sessions:event';

/** Told of a resumed request stream's events kept by another replica: (event id, message). */
export type Follower = (id: string, message: JSONRPCMessage) => void;

/**
 * Server→client notifications for sessions that may live on any replica. A message is kept in the session's event
 * log first (so a reconnecting client gets it with Last-Event-ID), then announced on the bus; the replica holding
 * the session's GET stream writes it there. Nobody holding it: it waits in the log. The events of a request stream
 * a client may resume elsewhere are announced the same way, for the replica it resumed on (see `follow`).
 */
export class SessionDelivery {
  private readonly unsubscribe: () => void;
  /** Request streams resumed on this replica while another one answers them: `<session> <stream>` → writers. */
  private readonly followers = new Map<string, Set<Follower>>();

  constructor(
    private readonly records: RecordStore,
    private readonly log: EventLog,
    private readonly bus: Bus,
    /** This replica's session with an open GET stream, if it has one. */
    private readonly held: (session: string) => HeldStream | undefined,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe(EVENT_TOPIC, (message) => void this.heard(message as StreamEvent));
  }

  /** The event store of one session's transport on this replica. */
  eventsFor(session: string): SessionEvents {
    return new SessionEvents(session, this.log, (id, message) => void this.announce(session, id, message));
  }

  /**
   * Sends a notification to the session's GET stream wherever it is held, keeping it for Last-Event-ID replay.
   * True once kept; false when the session does not exist (any more) or it could not be kept.
   */
  async deliver(session: string, notification: Notification): Promise<boolean> {
    const message = { jsonrpc: '2.0' as const, ...notification } as JSONRPCMessage;
    try {
      if (!(await this.records.exists(session))) return false;
      const id = await this.log.append(session, STANDALONE_STREAM, message);
      const here = this.held(session);
      if (here) await here.events.writeStored(here.transport, id, message);
      await this.announce(session, id, message);
      return true;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, method: notification.method }, 'notification not delivered');
      return false;
    }
  }

  /**
   * Hands `follower` the events another replica keeps for one of the session's request streams from now on, until
   * the returned function is called: a replica serving a resumed request stream it does not answer itself.
   */
  follow(session: string, stream: string, follower: Follower): () => void {
    const key = `${session} ${stream}`;
    const set = this.followers.get(key) ?? new Set<Follower>();
    this.followers.set(key, set.add(follower));
    return () => {
      set.delete(follower);
      if (set.size === 0 && this.followers.get(key) === set) this.followers.delete(key);
    };
  }

  close(): void {
    this.unsubscribe();
  }

  private async announce(session: string, id: string, message: JSONRPCMessage): Promise<void> {
    const event: StreamEvent = { session, id, message, origin: this.bus.origin };
    await this.bus.publish(EVENT_TOPIC, event).catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'notification not announced to the other replicas'));
  }

  /** Another replica kept a message for a session: written here when this replica holds its GET stream or follows its request stream. */
  private async heard(event: StreamEvent): Promise<void> {
    if (event.origin === this.bus.origin) return;
    const stream = parseEventId(event.id)?.stream;
    if (stream !== STANDALONE_STREAM) {
      for (const follower of this.followers.get(`${event.session} ${stream}`) ?? []) follower(event.id, event.message);
      return;
    }
    const here = this.held(event.session);
    if (!here) return;
    await here.events.writeStored(here.transport, event.id, event.message).catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'notification not written to the stream'));
  }
}

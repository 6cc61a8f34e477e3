import type { ServerResponse } from 'node:http';
import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';
import { type EventLog, eventId, parseEventId, STANDALONE_STREAM } from './events.js';
import { REPLAYED } from './restore.js';

/** The one SDK transport call SessionEvents needs: sending a message the way the server does. */
interface Sender {
  send(message: JSONRPCMessage): Promise<void>;
}

/**
 * One session's event store, as the SDK transport of that session sees it. Everything its streams send is kept in
 * the log; what goes to the standalone (GET) stream, and to a request stream that started with a priming event (its
 * client may resume it on another replica), is also handed to `onStored`, which tells the replica writing that
 * stream (it may be another one). Ids from another session's log are never looked at: the log is read by this
 * session's id only.
 */
export class SessionEvents implements EventStore {
  private adopted?: string;
  /** Request streams of this transport that were primed and are not answered yet: the SDK serves their resumes. */
  private readonly unanswered = new Set<string>();

  constructor(
    readonly session: string,
    private readonly log: EventLog,
    private readonly onStored: (id: string, message: JSONRPCMessage) => void,
  ) {}

  async storeEvent(stream: string, message: JSONRPCMessage): Promise<string> {
    const adopted = this.adopted;
    this.adopted = undefined;
    if (adopted) return adopted;
    // A priming event (no message) starts a stream: its id only needs to come before everything the stream gets.
    // A replayed handshake (a session being rebuilt) is answered to nobody: nothing of it is kept.
    if (!('jsonrpc' in message)) {
      this.unanswered.add(stream);
      return eventId(stream, '0-0');
    }
    if ('id' in message && message.id === REPLAYED) return eventId(stream, '0-0');
    const id = await this.log.append(this.session, stream, message);
    const resumable = this.unanswered.has(stream);
    if (isAnswer(message)) this.unanswered.delete(stream);
    if (stream === STANDALONE_STREAM || resumable) this.onStored(id, message);
    return id;
  }

  /** True while a request stream of this replica's transport waits for its answer (the SDK resumes it itself). */
  answersHere(stream: string): boolean {
    return this.unanswered.has(stream);
  }

  async getStreamIdForEventId(id: string): Promise<string | undefined> {
    return parseEventId(id)?.stream;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const stream = await this.log.replayAfter(this.session, lastEventId, send);
    if (stream === undefined) throw new Error('Invalid event ID');
    return stream;
  }

  /**
   * The id a GET stream opened now starts with. The SDK sends a GET stream no priming event, so a client that
   * received nothing on it would reconnect without Last-Event-ID and miss what was sent meanwhile; starting the
   * stream with this id (see primeStream) lets it resume from here.
   */
  async primingId(): Promise<string> {
    return eventId(STANDALONE_STREAM, await this.log.lastNotification(this.session));
  }

  /**
   * Writes a message kept already (under `id`, by another replica or by `deliver`) to this replica's GET stream,
   * through the transport so its own bookkeeping holds. The transport asks for an id before its first await, so
   * the id given here is the one it takes.
   */
  async writeStored(transport: Sender, id: string, message: JSONRPCMessage): Promise<void> {
    this.adopted = id;
    const sending = transport.send(message);
    this.adopted = undefined;
    await sending;
  }
}

/** A response (result or error): the last message of a request's stream. */
export function isAnswer(message: JSONRPCMessage): boolean {
  return 'id' in message && ('result' in message || 'error' in message);
}

/**
 * Starts a GET stream's answer with a priming event (an id, no data), written right after the SDK's 200 headers
 * and before anything it streams: clients take it as their Last-Event-ID and skip it as a message.
 */
export function primeStream(res: ServerResponse, id: string): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const written = writeHead(...args);
    if (res.statusCode === 200) res.write(`id: ${id}\ndata: \n\n`);
    return written;
  }) as ServerResponse['writeHead'];
}

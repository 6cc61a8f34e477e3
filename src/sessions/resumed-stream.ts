import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { SessionDelivery } from './delivery.js';
import { comparePositions, parseEventId } from './events.js';
import { isAnswer, type SessionEvents } from './session-events.js';

export interface ResumedRequest {
  session: string;
  /** The request stream the client's Last-Event-ID names. */
  stream: string;
  lastEventId: string;
  events: SessionEvents;
  delivery: SessionDelivery;
  /** Ends the stream when no answer came by then (the replica answering it died): the client resumes again. */
  maxWaitMs: number;
}

/**
 * Serves a client resuming (GET, Last-Event-ID) a request stream that another replica answers — or answered: the
 * SDK transport here knows nothing of that request and would replay what is kept and close. This replays what is
 * kept, then writes what the answering replica keeps from now on (progress, the answer) as it announces it, each
 * event once and in the log's order, and ends the stream after the answer, as the SDK does on its own streams.
 * Events announced while the replay reads the log wait for it; those it already wrote are skipped.
 */
export async function serveResumedRequest(res: ServerResponse, resumed: ResumedRequest): Promise<void> {
  const { session, stream, lastEventId, events, delivery } = resumed;
  let last = parseEventId(lastEventId)?.position ?? '0-0';
  let replaying = true;
  const waiting: [string, JSONRPCMessage][] = [];
  let timer: NodeJS.Timeout | undefined;
  const write = (id: string, message: JSONRPCMessage) => {
    const position = parseEventId(id)?.position;
    if (res.writableEnded || !position || comparePositions(position, last) <= 0) return;
    last = position;
    res.write(`event: message\nid: ${id}\ndata: ${JSON.stringify(message)}\n\n`);
    if (isAnswer(message)) res.end();
  };
  const unfollow = delivery.follow(session, stream, (id, message) => (replaying ? waiting.push([id, message]) : write(id, message)));
  res.on('close', () => {
    unfollow();
    clearTimeout(timer);
  });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no', 'mcp-session-id': session });
  // The replay may write nothing: the client must see the stream open all the same.
  res.flushHeaders();
  try {
    await events.replayEventsAfter(lastEventId, { send: async (id, message) => write(id, message) });
  } catch {
    return void res.end();
  }
  replaying = false;
  for (const [id, message] of waiting.splice(0)) write(id, message);
  if (res.writableEnded) return;
  timer = setTimeout(() => res.end(), resumed.maxWaitMs);
  timer.unref();
}

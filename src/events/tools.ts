import type { z } from 'zod';
import type { CallContext } from '../discovery/handlers.js';
import { errorResult, textResult, type ToolResult } from '../results.js';
import { locationRefusal, type ProvenScope } from './access.js';
import type { EventFeed, EventFilter } from './feed.js';
import type { LoggedEvent } from './log.js';
import {
  EVENT_INPUTS,
  EVENT_TOOL_NAMES,
  type EventToolArgs,
  type EventToolName,
  ID_ARGUMENTS,
  RECENT_DEFAULT_LIMIT,
  RECENT_TOOL,
  WAIT_DEFAULT_SECONDS,
  WAIT_TOOL,
} from './tool-definitions.js';

/** Which locations a session may read the events of. */
export interface EventAccess {
  /** The location a call is about when it names none. */
  defaultLocationId?: string;
  /** What the session's credentials reach (a location token reaches its own location only). */
  scope: () => Promise<ProvenScope>;
}

/** How to turn events on, said by the tools of a server that receives none. */
export const EVENTS_SETUP_HINT =
  'Start the server with --webhooks and GHL\'s public key (--webhook-key / GHL_WEBHOOK_KEY): with --http the receiver ' +
  'is /webhooks/ghl, for a stdio server add --webhook-port N; point your Marketplace app\'s webhook URL at it (docs/events.md). ' +
  'In --sandbox mode events are on.';

/**
 * The wait and recent-events tools for one session: arguments checked before anything is read, the location
 * checked against what the credentials reach, results as a first line saying what happened plus JSON.
 */
export class EventTools {
  constructor(
    /** Undefined: this server receives no events, and the tools say how to turn them on. */
    private readonly feed: EventFeed | undefined,
    private readonly access: EventAccess,
    private readonly maxChars: number,
    /** The longest wait this transport lets a request last (HTTP: under --request-timeout-ms), if shorter than the tool's own. */
    private readonly maxWaitMs = Infinity,
  ) {}

  handles(name: string): name is EventToolName {
    return (EVENT_TOOL_NAMES as readonly string[]).includes(name);
  }

  async call(name: EventToolName, rawArgs: unknown, context: CallContext): Promise<ToolResult> {
    const parsed = (EVENT_INPUTS[name] as z.ZodType).safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
      const accepted = Object.keys((EVENT_INPUTS[name] as z.ZodObject<z.ZodRawShape>).shape).join(', ');
      return errorResult({ message: problems, hint: `Fix the arguments listed and call ${name} again; it takes ${accepted} (no time filter: list the latest and read each event's time).` });
    }
    if (!this.feed) return errorResult({ message: 'this server receives no GHL events (webhooks are off)', hint: EVENTS_SETUP_HINT });
    const args = parsed.data as EventToolArgs;
    const locationId = args.locationId ?? this.access.defaultLocationId;
    if (!locationId) return errorResult({ message: 'locationId: required (no location is configured)', hint: 'Give the locationId whose events to read (ghl://locations lists them).' });
    const refusal = await locationRefusal(locationId, await this.access.scope());
    if (refusal) return errorResult({ message: refusal, hint: 'Ask for the events of the configured location.' });
    const filter = filterOf(args);
    return name === WAIT_TOOL ? this.wait(this.feed, locationId, filter, args, context) : this.recent(this.feed, locationId, filter, args);
  }

  private async wait(feed: EventFeed, locationId: string, filter: EventFilter, args: EventToolArgs, context: CallContext): Promise<ToolResult> {
    const timeoutSeconds = Math.max(1, Math.min(args.timeoutSeconds ?? WAIT_DEFAULT_SECONDS, Math.floor(this.maxWaitMs / 1000)));
    const progress = context.progress;
    const outcome = await feed.waitFor(locationId, filter, {
      after: args.after,
      timeoutMs: timeoutSeconds * 1000,
      signal: context.signal,
      progress:
        progress &&
        ((waitedMs, timeoutMs) => void progress(Math.round(waitedMs / 1000), timeoutMs / 1000, `waiting for a matching event (${Math.round(waitedMs / 1000)} of ${timeoutMs / 1000} s)`).catch(() => {})),
    });
    if (outcome.event) {
      const { event, next } = outcome;
      const head = `OK: ${event.type} event ${event.id} for location ${locationId}${describeIds(event)}, at ${event.time}. To wait for the one after it: after=${next}.`;
      return textResult(`${head}\n${this.fit({ event, next })}`);
    }
    const waited = Math.round(outcome.waitedMs / 1000);
    if (outcome.cancelled) return textResult(`Cancelled after ${waited} s; nothing matching had arrived. To wait again without missing anything: after=${outcome.next}.\n${JSON.stringify({ event: null, next: outcome.next })}`);
    return textResult(
      `Nothing matching arrived in ${timeoutSeconds} s; call ${WAIT_TOOL} again with after=${outcome.next} (events in between are not missed).` +
        (args.types?.length ? ` Type names are exact (e.g. InboundMessage, AppointmentCreate, InvoicePaid); you gave ${args.types.join(', ')}.\n` : '\n') +
        JSON.stringify({ event: null, next: outcome.next, waitedSeconds: waited }),
    );
  }

  private async recent(feed: EventFeed, locationId: string, filter: EventFilter, args: EventToolArgs): Promise<ToolResult> {
    const page = await feed.recent(locationId, filter, { after: args.after, limit: args.limit ?? RECENT_DEFAULT_LIMIT });
    // Too long for the result limit: the newest events are left for the next call (after = the last one shown).
    let events = page.events;
    while (events.length > 1 && JSON.stringify(events).length > this.maxChars) events = events.slice(0, Math.ceil(events.length / 2));
    const cut = events.length < page.events.length;
    const next = cut ? events.at(-1)!.cursor : page.next;
    const more = cut || (args.after !== undefined && page.more);
    const count = `${events.length} event${events.length === 1 ? '' : 's'}`;
    const head =
      args.after === undefined
        ? `OK: the ${count} most recent for location ${locationId}${page.more ? ' (older ones left out)' : ''}, oldest first${cut ? ' (the newest did not fit)' : ''}`
        : `OK: ${count} for location ${locationId} after ${args.after}`;
    const tail = more ? `; more follow: call again with after=${next}.` : `. Later events: after=${next}.`;
    return textResult(`${head}${tail}\n${this.fit({ events, next, more })}`);
  }

  /** One event can be large (a long email): its payload is cut before the result limit is passed. */
  private fit(value: { event?: LoggedEvent; events?: LoggedEvent[]; next: string; more?: boolean }): string {
    const text = JSON.stringify(value);
    if (text.length <= this.maxChars) return text;
    const cut = (event: LoggedEvent) => ({ ...event, payload: { cut: `the payload was ${JSON.stringify(event.payload).length} characters, over the result limit` } });
    return JSON.stringify({ ...value, ...(value.event && { event: cut(value.event) }), ...(value.events && { events: value.events.map(cut) }) });
  }
}

function filterOf(args: EventToolArgs): EventFilter {
  const ids = Object.fromEntries(ID_ARGUMENTS.filter((field) => args[field] !== undefined).map((field) => [field, args[field]]));
  return { ...(args.types?.length && { types: args.types }), ...(Object.keys(ids).length > 0 && { ids }) };
}

function describeIds(event: LoggedEvent): string {
  const named = Object.entries(event.ids).map(([key, value]) => `${key} ${value}`);
  return named.length > 0 ? ` (${named.join(', ')})` : '';
}

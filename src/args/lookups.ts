import type { ToolEntry } from '../catalog/types.js';
import { CallFailedError } from '../client/errors.js';
import { type GhlClient, MissingCredentialsError } from '../client/ghl-client.js';
import { buildRequest } from '../request.js';
import contacts from '../../tools/contacts.js';
import locations from '../../tools/locations.js';

type Json = Record<string, unknown>;

/** A record GHL would not give: `reason` says why, in words fit for a note to the agent. */
export class LookupFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const LOCATION_TTL_MS = 5 * 60_000;
const MAX_LOCATIONS = 500;

function entry(tools: ToolEntry[], operationId: string): ToolEntry {
  const found = tools.find((tool) => tool.operationId === operationId);
  if (!found) throw new Error(`The catalog has no ${operationId} operation`);
  return found;
}

const GET_LOCATION = entry(locations.tools, 'get-location');
const GET_CONTACT = entry(contacts.tools, 'get-contact');

/**
 * Reads the records that fill what an agent cannot know (the location's profile and time zone, a contact's own
 * details) through the same client, rate limits and credentials as the call itself. Location profiles are kept a
 * few minutes per location; a failed read is not kept, so the next call tries again.
 */
export class Lookups {
  private readonly profiles = new Map<string, { at: number; read: Promise<Json> }>();

  constructor(
    private readonly client: GhlClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** `GET /locations/{locationId}` → `location`. */
  location(locationId: string, signal?: AbortSignal): Promise<Json> {
    const held = this.profiles.get(locationId);
    if (held && this.now() - held.at < LOCATION_TTL_MS) return untilAborted(held.read, signal);
    // Read without the caller's signal: a cancelled call must not fail another call waiting on the same read.
    const read = this.read(GET_LOCATION, { locationId }, 'location', `location:${locationId}`);
    const kept = { at: this.now(), read };
    if (this.profiles.size >= MAX_LOCATIONS) this.profiles.delete(this.profiles.keys().next().value!);
    this.profiles.set(locationId, kept);
    read.catch(() => {
      if (this.profiles.get(locationId) === kept) this.profiles.delete(locationId);
    });
    return untilAborted(read, signal);
  }

  /** `GET /contacts/{contactId}` → `contact`, read for this call only (contacts change). */
  contact(contactId: string, locationId: string | undefined, signal?: AbortSignal): Promise<Json> {
    return this.read(GET_CONTACT, { contactId }, 'contact', locationId && `location:${locationId}`, signal);
  }

  private async read(operation: ToolEntry, args: Json, key: string, resource: string | undefined, signal?: AbortSignal): Promise<Json> {
    let response;
    try {
      const request = buildRequest(operation, args);
      if (resource) request.resource = resource;
      response = await this.client.send(request, signal);
    } catch (error) {
      throw new LookupFailed(reasonOf(error));
    }
    if (response.status < 200 || response.status >= 300) throw new LookupFailed(`GHL answered HTTP ${response.status} to ${operation.method} ${operation.path}`);
    let record: unknown;
    try {
      record = (JSON.parse(response.text) as Json)[key];
    } catch {
      record = undefined;
    }
    if (typeof record !== 'object' || record === null) throw new LookupFailed(`GHL's answer to ${operation.method} ${operation.path} holds no ${key}`);
    return record as Json;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof MissingCredentialsError) return 'no GHL credentials are configured';
  if (error instanceof CallFailedError) return error.message;
  const cause = error as { code?: string; message?: string };
  return cause.code ?? cause.message ?? String(error);
}

/** The read's outcome, or a rejection as soon as this caller's signal aborts. */
function untilAborted<T>(read: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return read;
  if (signal.aborted) return Promise.reject(new LookupFailed('the call was cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new LookupFailed('the call was cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    read.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

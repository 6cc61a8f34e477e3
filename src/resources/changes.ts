import type { ResourceRegistry } from './registry.js';

/**
 * What changed, as the replicas tell each other: which resources (by definition name) for which location and
 * tenant, whether items were added or removed, and URIs announced as such. Tool writes, polls and webhook events
 * (EVENTS) all end up as one of these.
 */
export interface ResourceChange {
  /** The stable tenant key (location/company + credential fingerprint); absent: every tenant. */
  tenant?: string;
  /** The location the change concerns; absent: every location. */
  locationId?: string;
  /** Definition names whose cached answers are dropped and whose subscribers are told; `all`: every resource. */
  resources: string[] | 'all';
  /** Items were added or removed: `notifications/resources/list_changed` to the tenant's sessions. */
  listChanged?: boolean;
  /** URIs changed as such (a poll found a new answer, or EVENTS serves them): `resources/updated` to their subscribers. */
  uris?: string[];
  /** Cache keys other replicas drop (a poll read them again here). */
  keys?: string[];
  /**
   * What the change is, for subscriptions that filter by query variables (`...events?type=A,B`): a subscribed URI
   * carrying one of these variables is told only when its comma-separated value lists the change's value.
   */
  query?: Record<string, string>;
}

/** The message on the bus: the change, and who made it (that replica acted on it already). */
export interface ChangeMessage {
  origin: string;
  change: ResourceChange;
}

export const CHANGES_TOPIC = 'resources:changed';

/** A server-to-client notification, as the SDK sends it. */
export interface SessionNotification {
  method: 'notifications/resources/updated' | 'notifications/resources/list_changed';
  params?: { uri: string };
}

/** The notifications one session gets for a change: its matching subscriptions, and list_changed when asked. */
export function notificationsFor(change: ResourceChange, registry: ResourceRegistry, subscribed: readonly string[]): SessionNotification[] {
  const notifications: SessionNotification[] = subscribed
    .filter((uri) => concerns(change, registry, uri))
    .map((uri) => ({ method: 'notifications/resources/updated', params: { uri } }));
  if (change.listChanged) notifications.push({ method: 'notifications/resources/list_changed' });
  return notifications;
}

/** Whether a subscribed URI is one the change touched: named outright, or of a changed resource at its location. */
function concerns(change: ResourceChange, registry: ResourceRegistry, uri: string): boolean {
  if (change.uris?.includes(uri)) return true;
  if (change.resources !== 'all' && change.resources.length === 0) return false;
  let matched: ReturnType<ResourceRegistry['match']>;
  try {
    matched = registry.match(uri);
  } catch {
    return false;
  }
  if (!matched) return false;
  if (change.resources !== 'all' && !change.resources.includes(matched.definition.name)) return false;
  if (change.locationId && matched.vars.locationId && matched.vars.locationId !== change.locationId) return false;
  return Object.entries(change.query ?? {}).every(([name, value]) => {
    const wanted = matched.vars[name];
    return wanted === undefined || wanted.split(',').includes(value);
  });
}

/** A change as read from the bus, or undefined when it is not one (a foreign or damaged message). */
export function asChangeMessage(message: unknown): ChangeMessage | undefined {
  const candidate = message as Partial<ChangeMessage> | null;
  const change = candidate?.change as Partial<ResourceChange> | undefined;
  if (typeof candidate?.origin !== 'string' || typeof change !== 'object' || change === null) return undefined;
  if (change.resources !== 'all' && !Array.isArray(change.resources)) return undefined;
  return candidate as ChangeMessage;
}

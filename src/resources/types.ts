/**
 * The shape of the declarative resource definitions in `resources/` (as `tools/` is to the catalog): which URI,
 * which catalog tool fetches it, how GHL's answer becomes compact JSON, and which writes make it stale.
 */

/** A JSON object as GHL sends it: read loosely, projected into a small view. */
export type Json = Record<string, any>;

/** The values of a URI template's variables, decoded. */
export type Vars = Record<string, string>;

/** Which locations the configured credentials reach, as far as the configuration and the stored grant tell. */
export type TokenScope =
  /** An agency (company) token; `appId` when it is an OAuth app (its installed locations are the reachable ones). */
  | { kind: 'agency'; companyId: string; appId?: string; locationId?: string }
  /** A location (sub-account) token; `companyId` when configured (some reads search the company). */
  | { kind: 'location'; locationId: string; companyId?: string }
  /** Nothing says which: no location or company configured. */
  | { kind: 'unknown' };

/** One read through a catalog tool: the same executor path (validation, rate limits, auth) as a tool call. */
export interface FetchSpec {
  tool: string;
  args: Record<string, unknown>;
  /** Where the answer comes from, for people (`the app's installed locations`). */
  source?: string;
  /** Read this instead when GHL refuses the first with one of these statuses (an agency search with a location token). */
  fallback?: { statuses: number[]; fetch: FetchSpec };
}

/** A write that may change what a resource shows. */
export interface Invalidation {
  /** Catalog tool names; `*` matches any run of characters (`locations_*_tag`). */
  tools: string[];
  /** Also any successful write whose call carried this argument (a contact write with `tags` creates tags). */
  withArgument?: string;
}

export interface ResourceDefinition {
  /** Unique; also the template's `name`. */
  name: string;
  /** RFC 6570 level-1 template: `ghl://locations/{locationId}/pipelines`. */
  uriTemplate: string;
  title: string;
  description: string;
  /**
   * The catalog read behind it (definitions reading the same tool with the same arguments share one cached
   * answer), or a view of the server's own (never cached: a fixed one, or the event log's).
   */
  fetch(vars: Vars, scope: TokenScope): FetchSpec | { answer: Json } | Promise<{ answer: Json }>;
  /** Served by this server itself and read fresh every time (the events resource): never cached, never polled; its changes are announced. */
  live?: boolean;
  /** GHL's answer → the compact view agents read; undefined when the answer holds no such item (a 404). */
  project(body: Json, vars: Vars, fetched: FetchSpec): Json | undefined;
  /** The `{ id, name }` items the view offers: they fill argument completion and the list of concrete resources. */
  items?(view: Json): { id: string; name?: string }[];
  invalidatedBy: Invalidation;
  /** Writes that add or remove items, so the list of concrete resources changes (`resources/list_changed`). */
  listChangedBy?: string[];
  /** Name shown in resources/list for a concrete URI (`Pipelines of Bright Smile`). */
  label(vars: Vars, names: Record<string, string | undefined>): string;
}

/** Where the values of a template variable come from: the items of another resource. */
export interface VariableSource {
  /** The resource whose items are the values (`pipelineId` ← `pipelines`). */
  resource: string;
  /** resources/list shows one concrete resource per item (of the default location, below the location level). */
  listed: boolean;
}

import type { BodyEncoding, ToolEntry } from './catalog/types.js';

/** One part of a multipart/form-data body. */
export type MultipartPart = { name: string; value: string } | { name: string; file: Uint8Array; filename: string };

export interface HttpRequest {
  method: string;
  /** The path with every parameter percent-encoded. */
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: { encoding: BodyEncoding; value: unknown };
  /** The location or company the call acts on: the key for rate limits and tokens. */
  resource?: string;
}

/** An argument value that cannot be sent safely, found before any request leaves. */
export class UnsafeArgumentError extends Error {
  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`${argument}: ${reason}`);
  }
}

// Control characters, separators and dot segments would change which endpoint the request reaches.
const PATH_BREAKERS = /[/\\?#\u0000-\u001f\u007f]/;
/**
 * A value made only of dots (or their escape %2e): the URL parser drops `.` and `..` segments, so
 * `/contacts/{id}/notes/{noteId}` with "." would reach the list operation `/contacts/{id}/notes/`.
 */
const DOTS_ONLY = /^(?:\.|%2e)+$/i;
/** Half of a surrogate pair on its own: not text any URL can carry (encodeURIComponent throws on it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function encodePathValue(name: string, value: unknown): string {
  const text = String(value);
  if (text.length === 0) throw new UnsafeArgumentError(name, 'must not be empty');
  if (PATH_BREAKERS.test(text) || text.includes('..') || DOTS_ONLY.test(text)) {
    throw new UnsafeArgumentError(name, 'must be a plain ID: "/", "\\", "?", "#", control characters, ".." and a value of only dots are not allowed');
  }
  return encodeURIComponent(wellFormed(name, text));
}

/** Paths, queries and headers carry text as UTF-8, which has no form for a lone surrogate: refused rather than altered. */
function wellFormed(name: string, text: string): string {
  if (LONE_SURROGATE.test(text)) throw new UnsafeArgumentError(name, 'contains a lone UTF-16 surrogate (a broken character); send the text as valid Unicode');
  return text;
}

/** Turns validated tool arguments into one HTTP request for the tool's operation. */
export function buildRequest(entry: ToolEntry, args: Record<string, unknown>): HttpRequest {
  const query: [string, string][] = [];
  const headers: Record<string, string> = {};
  const bodyFields: Record<string, unknown> = {};
  let wholeBody: unknown;
  let path = entry.path;

  for (const arg of entry.args) {
    const value = args[arg.name];
    if (value === undefined) continue;
    const wire = arg.wire ?? arg.name;
    switch (arg.in) {
      case 'path':
        path = path.split(`{${wire}}`).join(encodePathValue(arg.name, value));
        break;
      case 'query': {
        const text = (item: unknown) => wellFormed(arg.name, queryText(item));
        if (Array.isArray(value)) {
          if (arg.csv) query.push([wire, value.map(text).join(',')]);
          else for (const item of value) query.push([wire, text(item)]);
        } else {
          query.push([wire, text(value)]);
        }
        break;
      }
      case 'header':
        headers[wire] = wellFormed(arg.name, queryText(value));
        break;
      case 'body':
        if (entry.body?.whole === arg.name) wholeBody = value;
        else bodyFields[wire] = value;
        break;
    }
  }

  if (entry.version) headers.Version = entry.version;
  const request: HttpRequest = { method: entry.method, path, query, headers };
  if (entry.body) {
    const hasFields = Object.keys(bodyFields).length > 0;
    const value = wholeBody ?? (hasFields || entry.body.required ? bodyFields : undefined);
    if (value !== undefined) {
      const encoded = entry.body.encoding === 'multipart' ? multipartParts(entry, value as Record<string, unknown>) : value;
      request.body = { encoding: entry.body.encoding, value: encoded };
    }
  }
  const resource = resourceOf(entry, args);
  if (resource) request.resource = resource;
  return request;
}

/** Binary fields (base64 in the tool arguments) become file parts; everything else is a text field. */
function multipartParts(entry: ToolEntry, fields: Record<string, unknown>): MultipartPart[] {
  const binary = new Set(entry.args.filter((arg) => arg.schema.contentEncoding === 'base64').map((arg) => arg.wire ?? arg.name));
  const filename = typeof fields.name === 'string' && fields.name ? fields.name : 'upload';
  const parts: MultipartPart[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (binary.has(name)) parts.push({ name, file: Buffer.from(String(value), 'base64'), filename });
    else for (const item of Array.isArray(value) ? value : [value]) parts.push({ name, value: queryText(item) });
  }
  return parts;
}

function queryText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * The location or company a call acts on. An agency-only operation acts on its company even when it names a
 * location (it needs the agency token); an operation that names neither acts on the configured default.
 */
function resourceOf(entry: ToolEntry, args: Record<string, unknown>): string | undefined {
  if (isAgencyOnly(entry)) return typeof args.companyId === 'string' && args.companyId ? `company:${args.companyId}` : undefined;
  const location = args.locationId ?? args.location_id ?? (args.altType === 'location' ? args.altId : undefined);
  if (typeof location === 'string' && location) return `location:${location}`;
  if (typeof args.companyId === 'string' && args.companyId) return `company:${args.companyId}`;
  return undefined;
}

export function defaultResource(entry: ToolEntry, defaults: { locationId?: string; companyId?: string }): string | undefined {
  if (isAgencyOnly(entry)) return defaults.companyId ? `company:${defaults.companyId}` : undefined;
  return defaults.locationId ? `location:${defaults.locationId}` : undefined;
}

function isAgencyOnly(entry: ToolEntry): boolean {
  return entry.tokens?.length === 1 && entry.tokens[0] === 'agency';
}

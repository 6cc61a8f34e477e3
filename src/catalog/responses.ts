import type { JsonSchema } from './types.js';

/**
 * Facts about what an operation answers, read from its 2xx response schema: a short shape for the tool's
 * description (`contact.id`, `calendars[].id, traceId`) and the kinds of records whose IDs it hands out (for
 * ID provenance: which tool gives the `calendarId` another tool needs).
 */

/** Keys that wrap records without naming them: the record is then named after the path. */
const WRAPPER_KEYS = new Set(['data', 'items', 'results', 'records', 'list', 'rows', 'docs', 'response', 'result']);
const ID_KEYS = ['id', '_id'];
const MAX_SHOWN_KEYS = 3;
/** Keys every answer may carry that say nothing about what the operation gives back. */
const NOISE_KEYS = /^(success|succeded|succeeded|statusCode|message|msg|traceId)$/;
/** IDs an answer echoes from the request: the least informative keys. */
const CONTEXT_IDS = /^(alt(Id|Type)|locationId|companyId|traceId)$/;

export interface ReturnedRecord {
  /** camelCase singular noun: `calendar`, `pipelineStage`, `customField`. */
  noun: string;
  /** Many records (a list or search), or the one a write created. */
  list: boolean;
  /** Found inside the listed records (a pipeline's stages), not at the top of the answer. */
  nested?: true;
}

function propertiesOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  return (schema?.properties as Record<string, JsonSchema> | undefined) ?? {};
}

function typeOf(schema: JsonSchema | undefined): string | undefined {
  const type = schema?.type;
  return Array.isArray(type) ? (type as string[]).find((name) => name !== 'null') : (type as string | undefined);
}

function hasId(schema: JsonSchema | undefined): boolean {
  const properties = propertiesOf(schema);
  return ID_KEYS.some((key) => key in properties);
}

function idKey(schema: JsonSchema | undefined): string {
  return ID_KEYS.find((key) => key in propertiesOf(schema)) ?? 'id';
}

/** `opportunities` → `opportunity`, `custom-fields` → `customField`, `statuses` → `status`. */
export function singularNoun(word: string): string {
  const camel = word.replace(/[-_ ]+([a-zA-Z0-9])/g, (_, letter: string) => letter.toUpperCase());
  if (/ies$/.test(camel)) return `${camel.slice(0, -3)}y`;
  if (/(ss|us|sis)$/.test(camel)) return camel;
  if (/(sses|xes|ches|shes|uses)$/.test(camel)) return camel.slice(0, -2);
  if (/s$/.test(camel)) return camel.slice(0, -1);
  return camel;
}

/** The record a path is about: its last segment that is not a parameter or a verb-like action. */
export function pathNoun(path: string): string | undefined {
  const segments = path.split('/').filter((segment) => segment && !segment.startsWith('{') && !PATH_VERBS.has(segment));
  const last = segments[segments.length - 1];
  return last ? singularNoun(last) : undefined;
}

/** Last path segments that name an action, not a record: `/contacts/search` is about contacts. */
const PATH_VERBS = new Set(['search', 'list', 'all', 'filter', 'lookup', 'export', 'bulk', 'upsert']);

/** The noun an ID argument refers to: `calendarId` → calendar, `contactIds` → contact, path `{id}` after `custom-fields` → customField. */
export function idNoun(argName: string, path?: string): string | undefined {
  const match = /^(.+?)(Id|ID|_id|Ids|IDs|_ids)$/.exec(argName);
  if (match) return singularNoun(match[1]!.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()));
  if ((argName === 'id' || argName === '_id') && path) {
    const before = path.split(`/{${argName}}`)[0];
    return before === undefined || before === path ? undefined : pathNoun(before);
  }
  return undefined;
}

/** Records with IDs in a response: named arrays/objects at the top and one level inside listed records. */
export function returnedRecords(schema: JsonSchema | undefined, path: string): ReturnedRecord[] {
  if (!schema) return [];
  const found = new Map<string, ReturnedRecord>();
  const add = (noun: string | undefined, list: boolean, nested = false) => {
    if (noun && !found.has(noun)) found.set(noun, nested ? { noun, list, nested } : { noun, list });
  };
  const named = (key: string) => (WRAPPER_KEYS.has(key) ? pathNoun(path) : singularNoun(key));
  const visit = (key: string, value: JsonSchema, depth: number) => {
    if (typeOf(value) === 'array') {
      const items = value.items as JsonSchema | undefined;
      if (!hasId(items)) return;
      add(named(key), true, depth > 0);
      if (depth === 0) for (const [child, inner] of Object.entries(propertiesOf(items))) visit(child, inner, 1);
    } else if (hasId(value) && depth === 0) {
      add(named(key), false);
    }
  };
  if (typeOf(schema) === 'array') {
    if (hasId(schema.items as JsonSchema)) add(pathNoun(path), true);
    return [...found.values()];
  }
  if (hasId(schema)) add(pathNoun(path), false);
  for (const [key, value] of Object.entries(propertiesOf(schema))) visit(key, value, 0);
  return [...found.values()];
}

/** A short shape of the answer: the top-level keys (containers first), `[]` for lists, `.id` where records carry one. */
export function returnsShape(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  if (typeOf(schema) === 'array') {
    const items = schema.items as JsonSchema | undefined;
    return hasId(items) ? `[].${idKey(items)}` : '[]';
  }
  const properties = Object.entries(propertiesOf(schema)).filter(([key]) => !NOISE_KEYS.test(key));
  if (properties.length === 0) return undefined;
  const describe = ([key, value]: [string, JsonSchema]): string => {
    if (typeOf(value) === 'array') {
      const items = value.items as JsonSchema | undefined;
      return hasId(items) ? `${key}[].${idKey(items)}` : `${key}[]`;
    }
    return hasId(value) ? `${key}.${idKey(value)}` : key;
  };
  const rank = ([key, value]: [string, JsonSchema]): number => {
    if (ID_KEYS.includes(key)) return 0;
    if (/^(name|title|status)$/.test(key)) return 1;
    if (/[a-z]Ids?$/.test(key) && !CONTEXT_IDS.test(key)) return 2;
    if (typeOf(value) === 'array' || typeOf(value) === 'object') return 3;
    return CONTEXT_IDS.test(key) ? 5 : 4;
  };
  const ordered = properties.map((property, index) => ({ property, index })).sort((a, b) => rank(a.property) - rank(b.property) || a.index - b.index).map(({ property }) => property);
  const shown = ordered.slice(0, MAX_SHOWN_KEYS).map(describe);
  return `${shown.join(', ')}${ordered.length > MAX_SHOWN_KEYS ? ', …' : ''}`;
}

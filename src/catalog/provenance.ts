import { ID_SOURCES } from '../../tools/id-sources.js';
import { renames } from '../../tools/overlays/decorations.js';
import type { ArgPlace, HintContext } from './hints.js';
import { idNoun, singularNoun } from './responses.js';
import type { IdSource, JsonSchema } from './types.js';

/**
 * Where an ID argument's value comes from (tools/id-sources.ts, generated from the documents' answers):
 * "from calendars_get_calendars or ghl://locations/{locationId}/calendars".
 */

/** Field names that hold IDs of a known kind of record without saying so (`followers` are users). */
const NAME_KINDS: Record<string, string> = { altId: 'location', followers: 'user', assignedTo: 'user', assignedUserId: 'user', contacts: 'contact', contactIds: 'contact' };

/** How many source tools a hint names. */
const MAX_SOURCES = { lean: 1, rich: 2, full: 4 } as const;

/** `customFields[].id` holds a customField's ID: a nested `id` is of the record its parent property names. */
function nestedIdKind(place: ArgPlace): string | undefined {
  if ((place.name !== 'id' && place.name !== '_id') || !place.parent) return undefined;
  const kind = singularNoun(place.parent.replace(/(Details|Detail|Info|Data)$/, ''));
  return ID_SOURCES[kind] ? kind : undefined;
}

/** The provenance words for a field, when it holds IDs of a kind some tool hands out. */
export function idProvenance(place: ArgPlace, schema: JsonSchema, context: HintContext): string | undefined {
  const kind = (schema['x-id-of'] as string | undefined) ?? nestedIdKind(place) ?? NAME_KINDS[place.name];
  return provenance(place.name, context, kind);
}

const renamed = new Map(Object.entries(renames).map(([name, overlay]) => [name, overlay.rename ?? name]));

/** The record kind an ID argument refers to, matched against the kinds some tool hands out. */
export function idSourceOf(name: string, path: string, module: string, kind?: string): IdSource | undefined {
  const noun = kind ?? idNoun(name, path);
  if (!noun) return undefined;
  const exact = ID_SOURCES[noun];
  if (exact) return exact;
  const kinds = Object.keys(ID_SOURCES);
  // `assignedUserId` is a user; `pipelineStageId` lives in a pipeline. Suffixes count only within the module.
  const suffix = kinds
    .filter((kind) => noun.endsWith(kind.charAt(0).toUpperCase() + kind.slice(1)) && ID_SOURCES[kind]!.tools.some((tool) => tool.startsWith(`${module}_`)))
    .sort((a, b) => b.length - a.length)[0];
  const prefix = kinds.filter((kind) => noun.startsWith(kind) && /^[A-Z]/.test(noun.slice(kind.length))).sort((a, b) => b.length - a.length)[0];
  const found = suffix ?? prefix;
  return found ? ID_SOURCES[found] : undefined;
}

/** "from calendars_get_calendars or ghl://locations/{locationId}/calendars": same-module tools first. */
export function provenance(name: string, context: HintContext, kind?: string): string | undefined {
  const source = idSourceOf(name, context.path, context.module, kind);
  if (!source) return undefined;
  const tools = source.tools.map((tool) => renamed.get(tool) ?? tool).filter((tool) => tool !== context.tool);
  const local = tools.filter((tool) => tool.startsWith(`${context.module}_`));
  const chosen = (local.length > 0 ? local : tools).slice(0, MAX_SOURCES[context.detail]);
  const options = [...chosen, ...(source.resource ? [source.resource] : [])];
  if (options.length === 0) return undefined;
  const last = options.pop()!;
  return `from ${options.length > 0 ? `${options.join(', ')} or ${last}` : last}`;
}

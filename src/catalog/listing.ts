import { type ArgPlace, argHint, serverWords, type Detail, type HintContext, MAX_LISTED_ENUM, STANDARD_FORMATS, standardSet } from './hints.js';
import type { JsonSchema } from './types.js';

/**
 * tools/list is paid for by every agent on every turn, so the listed schema of a tool is a projection of its
 * full contract: every argument with its type and required flag, and below the arguments the fields an agent
 * must send when it sends their parent: required fields at every depth, with their type and enum (an enum too
 * long to list is kept when the field is required, unless it is a standard set said in words). Optional nested
 * fields are left to ghl_describe_tool; a rich listing names them. Facts become short hints in `description`
 * (see hints.ts); how much they say depends on how many tools are listed (`lean` for hundreds, `rich` for a
 * toolset). Calls are validated against the full contract either way.
 */

/** Optional nested fields a rich list leaves out are named, up to this many. */
const MAX_OMITTED_NAMES = 6;

/** Up to this many listed tools get rich hints; more get lean ones (the all-576 list has a byte budget). */
export const RICH_LISTING_MAX_TOOLS = 250;

export function listingDetail(listedTools: number): Exclude<Detail, 'full'> {
  return listedTools <= RICH_LISTING_MAX_TOOLS ? 'rich' : 'lean';
}

/** The listed input schema; without a context, no hints (the bare projection). */
export function listedSchema(full: JsonSchema, context?: HintContext): JsonSchema {
  const properties = full.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return full;
  const required = new Set((full.required as string[] | undefined) ?? []);
  const projector = new Projector(context);
  const siblings = Object.keys(properties);
  const listed: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(properties)) listed[name] = projector.project(schema, 0, { name, required: required.has(name), siblings });
  return { ...full, properties: listed };
}

/**
 * The whole contract with a hint on every field the facts say something about: what ghl_describe_tool shows.
 * Fact keywords stay (examples, default, format); the catalog's own `x-` keywords are said in words instead.
 */
export function describedSchema(full: JsonSchema, context: HintContext): JsonSchema {
  return new Projector({ ...context, detail: 'full' }).project(full, Infinity, { name: '', required: true }, true);
}

/** A node's place: its property name (empty for items and maps), whether it must be sent, its parent and siblings. */
interface Field extends ArgPlace {
  required: boolean;
}

class Projector {
  constructor(private readonly context?: HintContext) {}

  /** `depth`: levels of optional nested fields still shown; at 0 only required ones remain (at every depth). */
  project(schema: JsonSchema, depth: number, field: Field, top = false): JsonSchema {
    const full = this.context?.detail === 'full';
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key.startsWith('x-')) continue;
      if (!full && (key === 'examples' || key === 'default' || key === 'deprecated' || (key === 'format' && !this.listsFormat(value as string)))) continue;
      out[key] = value;
    }
    if (!full && Array.isArray(out.type)) out.type = (out.type as string[]).find((type) => type !== 'null');
    const dropped = full ? undefined : this.projectEnum(out, field.required);
    if (out.properties) this.projectProperties(out, schema, depth, field);
    if (out.items) out.items = this.project(out.items as JsonSchema, depth, { name: '', required: field.required, parent: field.name });
    if (out.additionalProperties && typeof out.additionalProperties === 'object') {
      out.additionalProperties = this.project(out.additionalProperties as JsonSchema, depth - 1, { name: '', required: false });
    }
    if (Array.isArray(out.anyOf)) {
      // Variants are hinted inside (their fields), the choice among them once, on the node itself.
      const variants = uniqueByJson((out.anyOf as JsonSchema[]).map((variant) => this.project(variant, depth, field, true)));
      delete out.anyOf;
      if (variants.length === 1) Object.assign(out, variants[0]);
      else out.anyOf = variants;
    }
    if (this.context && !top) {
      // An overlay's own text wins; what the server fills or never assumes is still said.
      const own = out.description as string | undefined;
      const server = serverWords(schema);
      const hint =
        own === undefined
          ? [argHint(field, schema, this.context, dropped), this.objectWords(field.name, schema, out)]
          : [server ? own.replace(/[.;]\s*$/, '') : own, server];
      const text = hint.filter(Boolean).join('; ');
      if (text) out.description = text;
    }
    return out;
  }

  /**
   * An object in a rich list in words: the fields it needs when given (agents skim past `required`), and the
   * optional fields left out of the listing, so agents know they exist.
   */
  private objectWords(name: string, schema: JsonSchema, out: JsonSchema): string | undefined {
    if (this.context?.detail !== 'rich' || name === '') return undefined;
    const [full, shown] = schema.items ? [schema.items as JsonSchema, out.items as JsonSchema] : [schema, out];
    if (full.type === 'object' && !full.properties && !full.additionalProperties) return `${schema.items ? 'each ' : ''}any JSON object`;
    if (Array.isArray(full.anyOf)) {
      const fields = [...new Set((full.anyOf as JsonSchema[]).flatMap((variant) => Object.keys((variant.properties as JsonSchema | undefined) ?? {})))];
      return fields.length > 0 ? `${schema.items ? 'each ' : ''}with fields ${fields.slice(0, MAX_OMITTED_NAMES).join(', ')}` : undefined;
    }
    const names = Object.keys((full.properties as JsonSchema | undefined) ?? {});
    const listed = new Set(Object.keys((shown?.properties as JsonSchema | undefined) ?? {}));
    const needed = ((full.required as string[] | undefined) ?? []).filter((field) => listed.has(field));
    const omitted = names.filter((field) => !listed.has(field));
    const each = schema.items ? 'each ' : '';
    const words: string[] = [];
    if (needed.length > 0) words.push(`${each}needs ${needed.join(', ')}`);
    if (omitted.length > 0) {
      const more = omitted.length > MAX_OMITTED_NAMES ? ', …' : '';
      words.push(`${listed.size > 0 ? 'also' : `${each}fields`}: ${omitted.slice(0, MAX_OMITTED_NAMES).join(', ')}${more}`);
    }
    return words.length > 0 ? words.join('; ') : undefined;
  }

  /** Standard formats are listed as the keyword; a lean list keeps only the date ones (the names say email and URL). */
  private listsFormat(format: string): boolean {
    return STANDARD_FORMATS.has(format) && (this.context?.detail !== 'lean' || format.startsWith('date'));
  }

  /** Enums of up to MAX_LISTED_ENUM values are listed; a longer one only when required and not a standard set. */
  private projectEnum(out: JsonSchema, required: boolean): unknown[] | undefined {
    if (!Array.isArray(out.enum)) return undefined;
    const values = (out.enum as unknown[]).filter((value) => value !== null);
    if (values.length > MAX_LISTED_ENUM && (!required || standardSet(values))) {
      delete out.enum;
      return values;
    }
    out.enum = values;
    return undefined;
  }

  private projectProperties(out: JsonSchema, schema: JsonSchema, depth: number, parent: Field): void {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const properties = schema.properties as Record<string, JsonSchema>;
    const shown = Object.keys(properties).filter((name) => depth > 0 || required.has(name));
    if (shown.length === 0) {
      delete out.properties;
      delete out.required;
      return;
    }
    const siblings = Object.keys(properties);
    const field = (name: string): Field => ({ name, required: required.has(name), parent: parent.name || parent.parent, siblings });
    out.properties = Object.fromEntries(shown.map((name) => [name, this.project(properties[name]!, depth - 1, field(name))]));
  }
}

function uniqueByJson(schemas: JsonSchema[]): JsonSchema[] {
  const seen = new Map<string, JsonSchema>();
  for (const schema of schemas) seen.set(JSON.stringify(schema), schema);
  return [...seen.values()];
}

import { type ArgPlace, argHint, serverWords, type Detail, type HintContext, MAX_LISTED_ENUM, standardSet } from './hints.js';
import { isOpenObject, LISTED_FORMATS, listableEnum, strictForm, UNLISTED_KEYWORDS } from './strict-subset.js';
import type { JsonSchema } from './types.js';

/**
 * tools/list is paid for by every agent on every turn, so the listed schema of a tool is a projection of its
 * full contract: every argument with its type and required flag, and below the arguments the fields an agent
 * must send when it sends their parent: required fields at every depth, with their type and enum (an enum too
 * long to list is kept when the field is required, unless it is a standard set said in words). Optional nested
 * fields are left to ghl_describe_tool; a rich listing names them. Facts become short hints in `description`
 * (see hints.ts); how much they say depends on how many tools are listed (`lean` for hundreds, `rich` for a
 * toolset). Calls are validated against the full contract either way.
 *
 * Every listed schema stays within what strict providers accept (strict-subset.ts): an object always lists fields
 * (all of them when none is required), a free-form object is listed as `{key, value}` pairs, and keywords those
 * providers refuse (string lengths, patterns, most formats) are said in the hint instead.
 */

/** Facts the contract keeps that a listing says in words, if at all. */
const UNLISTED_FACTS = new Set(['examples', 'default', 'deprecated']);

/** Optional nested fields a rich list leaves out are named, up to this many. */
const MAX_OMITTED_NAMES = 6;

/** Up to this many listed tools get rich hints; more get lean ones (the all-576 list has a byte budget). */
export const RICH_LISTING_MAX_TOOLS = 250;

export function listingDetail(listedTools: number): Exclude<Detail, 'full'> {
  return listedTools <= RICH_LISTING_MAX_TOOLS ? 'rich' : 'lean';
}

/**
 * A lean listing takes a tool's strict shape (every object with its fields, maps as pairs) when it costs at most
 * this many bytes more than the plain projection; the list of all tools cannot afford more (300 KB), and more than
 * 128 tools exceed what strict providers take in one request anyway.
 */
export const LEAN_STRICT_ALLOWANCE = 100;

/** The listed input schema; without a context, no hints (the bare projection). */
export function listedSchema(full: JsonSchema, context?: HintContext): JsonSchema {
  const projector = new Projector(context, true);
  const strict = projectArgs(full, projector);
  // Most tools are in the strict subset as they are: only those it reshaped are weighed against their plain form.
  if (context?.detail !== 'lean' || projector.reshaped === 0) return strict;
  const plain = projectArgs(full, new Projector(context, false));
  return JSON.stringify(strict).length - JSON.stringify(plain).length <= LEAN_STRICT_ALLOWANCE ? strict : plain;
}

function projectArgs(full: JsonSchema, projector: Projector): JsonSchema {
  const properties = full.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return full;
  const required = new Set((full.required as string[] | undefined) ?? []);
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
  /** How many objects the strict shape changed (listed as pairs, or with optional fields a plain list leaves out). */
  reshaped = 0;

  /** `strict`: objects always list fields and maps are pairs (strict-subset.ts); otherwise only what is required. */
  constructor(
    private readonly context?: HintContext,
    private readonly strict = true,
  ) {}

  /** `depth`: levels of optional nested fields still shown; at 0 only required ones remain (at every depth). */
  project(schema: JsonSchema, depth: number, field: Field, top = false): JsonSchema {
    const full = this.context?.detail === 'full';
    const shape = full ? schema : strictForm(schema, this.strict);
    if (this.strict && !full && isOpenObject(schema)) this.reshaped += 1;
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(shape)) {
      if (key.startsWith('x-')) continue;
      if (!full && (UNLISTED_FACTS.has(key) || UNLISTED_KEYWORDS.has(key) || (key === 'format' && !LISTED_FORMATS.has(value as string)))) continue;
      out[key] = value;
    }
    if (!full && Array.isArray(out.type)) out.type = (out.type as string[]).find((type) => type !== 'null');
    const dropped = full ? undefined : this.projectEnum(out, field.required);
    if (out.properties) this.projectProperties(out, shape, depth, field);
    if (out.items) out.items = this.project(out.items as JsonSchema, depth, { name: '', required: field.required, parent: field.name, said: ownText(schema) ?? field.said });
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
   * An object in a rich list in words: the fields it needs when given (agents skim past `required`) or that none
   * is needed, and the optional fields left out of the listing, so agents know they exist.
   */
  private objectWords(name: string, schema: JsonSchema, out: JsonSchema): string | undefined {
    if (this.context?.detail !== 'rich' || name === '') return undefined;
    const [full, shown] = schema.items ? [schema.items as JsonSchema, out.items as JsonSchema] : [schema, out];
    if (isOpenObject(full)) return `${schema.items ? 'each ' : ''}a map, as [{key, value}] pairs`;
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
    // A lone listed field that is needed says so by being alone; the optional ones left out are still named.
    if (needed.length > 0 && (listed.size > 1 || omitted.length === 0)) words.push(`${each}needs ${needed.join(', ')}`);
    // A strict client makes every listed field required and nullable: null (or leaving out) is fine for all of them.
    else if (needed.length === 0 && listed.size > 0) words.push('all fields optional');
    if (omitted.length > 0) {
      const more = omitted.length > MAX_OMITTED_NAMES ? ', …' : '';
      words.push(`${listed.size > 0 ? 'also' : `${each}fields`}: ${omitted.slice(0, MAX_OMITTED_NAMES).join(', ')}${more}`);
    }
    return words.length > 0 ? words.join('; ') : undefined;
  }

  /**
   * Enums of up to MAX_LISTED_ENUM values are listed; a longer one only when required and not a standard set;
   * values other than text never (Gemini refuses them): the hint names them.
   */
  private projectEnum(out: JsonSchema, required: boolean): unknown[] | undefined {
    if (!Array.isArray(out.enum)) return undefined;
    const values = (out.enum as unknown[]).filter((value) => value !== null);
    if (!listableEnum(values) || (values.length > MAX_LISTED_ENUM && (!required || standardSet(values)))) {
      delete out.enum;
      return values;
    }
    out.enum = values;
    return undefined;
  }

  private projectProperties(out: JsonSchema, schema: JsonSchema, depth: number, parent: Field): void {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const properties = schema.properties as Record<string, JsonSchema>;
    const names = Object.keys(properties);
    const needed = names.filter((name) => depth > 0 || required.has(name));
    // An object is never listed without fields: with none required, its optional ones are shown.
    const shown = needed.length > 0 || !this.strict ? needed : names;
    if (shown !== needed) this.reshaped += 1;
    if (shown.length === 0) {
      delete out.properties;
      delete out.required;
      return;
    }
    const said = ownText(schema) ?? parent.said;
    const field = (name: string): Field => ({ name, required: required.has(name), parent: parent.name || parent.parent, siblings: names, said });
    out.properties = Object.fromEntries(shown.map((name) => [name, this.project(properties[name]!, depth - 1, field(name))]));
  }
}

/** A node's own words (an overlay's help text), which its fields' hints need not repeat. */
function ownText(schema: JsonSchema): string | undefined {
  return typeof schema.description === 'string' ? schema.description : undefined;
}

function uniqueByJson(schemas: JsonSchema[]): JsonSchema[] {
  const seen = new Map<string, JsonSchema>();
  for (const schema of schemas) seen.set(JSON.stringify(schema), schema);
  return [...seen.values()];
}

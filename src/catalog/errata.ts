import type { Erratum, ErratumPatch, ErratumRule } from '../../tools/overlays/types.js';
import type { ArgSpec, JsonSchema, ToolEntry } from './types.js';

/** "Any scalar or object": what the documents type `object` while their own examples are strings or numbers. */
export const ANY_SCALAR_OR_OBJECT: JsonSchema[] = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }];
/** What `sendAsString` accepts where the documents type a string. */
const STRING_OR_SCALAR: JsonSchema[] = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }];

/** A generated entry with the errata that fit it applied. */
export interface Corrections {
  /** The corrected contract: what is listed, validated and sent. */
  entry: ToolEntry;
  /** Errata applied, in order. */
  applied: Erratum[];
  /** Errata that no longer fit the entry (the documents changed), with why: nothing of them is applied. */
  skipped: { id: string; reason: string }[];
}

/**
 * Applies errata to a generated entry, each one whole or not at all. The entry given is left untouched (it stays
 * the documented contract); an erratum whose target is gone from the documents is skipped and reported.
 */
export function correct(entry: ToolEntry, errata: readonly Erratum[] = []): Corrections {
  let current = entry;
  const applied: Erratum[] = [];
  const skipped: Corrections['skipped'] = [];
  for (const erratum of errata) {
    const draft = structuredClone(current);
    const problem = erratum.patches.map((patch) => applyPatch(draft, patch)).find((found) => found !== undefined);
    if (problem) {
      skipped.push({ id: erratum.id, reason: problem });
    } else {
      current = draft;
      applied.push(erratum);
    }
  }
  return { entry: current, applied, skipped };
}

/** Changes the draft entry for one patch, or says why the patch does not fit it. */
function applyPatch(entry: ToolEntry, patch: ErratumPatch): string | undefined {
  const missing = (names: string[]) => names.find((name) => !argOf(entry, name));
  switch (patch.kind) {
    case 'optional':
    case 'sendAsString': {
      const gone = missing(patch.args);
      if (gone) return `no argument ${gone}`;
      for (const name of patch.args) {
        const arg = argOf(entry, name)!;
        if (patch.kind === 'optional') delete arg.required;
        else arg.schema = widened(arg.schema, STRING_OR_SCALAR);
      }
      return undefined;
    }
    case 'add':
      if (argOf(entry, patch.arg.name)) return `argument ${patch.arg.name} exists already`;
      entry.args.push(structuredClone(patch.arg));
      return undefined;
    case 'schema':
    case 'anyValue':
    case 'dropEnum':
    case 'addEnum':
      return rewriteSchemas(entry, patch);
    case 'flattenBody':
      return flattenBody(entry, patch.wrapper, patch.args);
    case 'version':
      if (entry.version) return `a Version header (${entry.version}) is declared already`;
      entry.version = patch.version;
      return undefined;
    case 'fill': {
      const gone = missing(Object.keys(patch.values));
      if (gone) return `no argument ${gone}`;
      for (const [name, value] of Object.entries(patch.values)) {
        const arg = argOf(entry, name)!;
        delete arg.required;
        const { required: _nested, ...schema } = arg.schema;
        arg.schema = { ...(isPlainObject(value) ? schema : arg.schema), default: value };
      }
      return undefined;
    }
    case 'rule': {
      const gone = missing(ruleArgs(patch.rule));
      return gone ? `no argument ${gone}` : undefined;
    }
    case 'alias':
      return aliasProblem(entry, patch.at, patch.names);
    case 'copy':
    case 'derive': {
      const names = patch.kind === 'copy' ? [patch.from, patch.to, ...(patch.when ? [patch.when.arg] : [])] : [patch.arg, patch.from];
      const gone = missing(names);
      return gone ? `no argument ${gone}` : undefined;
    }
  }
}

function rewriteSchemas(entry: ToolEntry, patch: Extract<ErratumPatch, { kind: 'schema' | 'anyValue' | 'dropEnum' | 'addEnum' }>): string | undefined {
  const paths = patch.kind === 'anyValue' ? patch.at : [patch.at];
  for (const at of paths) {
    const slots = locate(entry, at);
    if (slots.length === 0) return `nothing at ${at}`;
    for (const slot of slots) {
      const schema = slot.read();
      if (patch.kind === 'schema') slot.write(structuredClone(patch.schema));
      else if (patch.kind === 'anyValue') slot.write(widened(schema, ANY_SCALAR_OR_OBJECT));
      else {
        const values = schema.enum as unknown[] | undefined;
        if (!Array.isArray(values)) return `${at} has no enum`;
        if (patch.kind === 'dropEnum') {
          if (!patch.values.every((value) => values.includes(value))) return `${at} no longer offers ${patch.values.join(', ')}`;
          slot.write({ ...schema, enum: values.filter((value) => !patch.values.includes(value)) });
        } else {
          if (patch.values.every((value) => values.includes(value))) return `${at} offers ${patch.values.join(', ')} already`;
          slot.write({ ...schema, enum: [...values, ...patch.values.filter((value) => !values.includes(value))] });
        }
      }
    }
  }
  return undefined;
}

/** The type of a schema replaced by a union of `variants` (null kept when it was allowed); facts such as examples stay. */
function widened(schema: JsonSchema, variants: JsonSchema[]): JsonSchema {
  const { type, ...facts } = schema;
  const nullable = Array.isArray(type) && type.includes('null');
  // null rides on the first variant: a bare `{type: 'null'}` variant would read as "anything" to the zod builder.
  const [first, ...rest] = variants;
  return { ...facts, anyOf: nullable ? [{ type: [first!.type, 'null'] }, ...rest] : variants };
}

/** The whole-body argument becomes one argument per body field. */
function flattenBody(entry: ToolEntry, wrapper: string, args: ArgSpec[]): string | undefined {
  if (entry.body?.whole !== wrapper) return `the body is not the single argument ${wrapper}`;
  const clash = args.find((arg) => arg.name !== wrapper && argOf(entry, arg.name));
  if (clash) return `argument ${clash.name} exists already`;
  entry.args = [...entry.args.filter((arg) => arg.name !== wrapper), ...structuredClone(args)];
  delete entry.body.whole;
  return undefined;
}

function aliasProblem(entry: ToolEntry, at: string, names: Record<string, string>): string | undefined {
  if (at === '') {
    const canonical = Object.values(names).find((name) => !argOf(entry, name));
    if (canonical) return `no argument ${canonical}`;
    const taken = Object.keys(names).find((name) => argOf(entry, name));
    return taken ? `${taken} is an argument of its own` : undefined;
  }
  if (!/^[^.[\]]+(\[\])?$/.test(at)) return `aliases reach one level only, not ${at}`;
  return locate(entry, at).length === 0 ? `nothing at ${at}` : undefined;
}

/** Arguments a rule names. */
export function ruleArgs(rule: ErratumRule): string[] {
  if ('exactlyOne' in rule) return rule.exactlyOne;
  if ('atLeastOne' in rule) return [...rule.atLeastOne, ...(rule.when ? [rule.when.arg] : [])];
  return [rule.required, rule.when.arg];
}

/** A rule in a sentence, for tool descriptions and errors. */
export function ruleText(rule: ErratumRule): string {
  if ('exactlyOne' in rule) return `Give exactly one of ${rule.exactlyOne.join(', ')}.`;
  if ('atLeastOne' in rule) return `Give at least one of ${rule.atLeastOne.join(', ')}${rule.when ? ` when ${condition(rule.when)}` : ''}.`;
  return `${rule.required} is required when ${condition(rule.when)}.`;
}

export function condition(when: { arg: string; equals: unknown }): string {
  return `${when.arg} is ${typeof when.equals === 'string' ? when.equals : JSON.stringify(when.equals)}`;
}

/** The rules of applied errata, one sentence each (for a tool's description). */
export function errataNotes(applied: readonly Erratum[]): string[] {
  return applied.flatMap((erratum) => erratum.patches.flatMap((patch) => (patch.kind === 'rule' ? [ruleText(patch.rule)] : [])));
}

interface Slot {
  read(): JsonSchema;
  write(schema: JsonSchema): void;
}

/**
 * The schema nodes at a path: `name` (an argument), `.child` (a property), `[]` (array items). An `anyOf` on
 * the way is entered in every variant that has the next step.
 */
function locate(entry: ToolEntry, at: string): Slot[] {
  const [head = '', ...rest] = at.split('.');
  const first = step(head);
  const arg = argOf(entry, first.name);
  if (!arg) return [];
  let slots: Slot[] = [{ read: () => arg.schema, write: (schema) => (arg.schema = schema) }];
  if (first.items) slots = slots.flatMap(itemsOf);
  for (const segment of rest) {
    const { name, items } = step(segment);
    slots = slots.flatMap((slot) => propertyOf(slot, name));
    if (items) slots = slots.flatMap(itemsOf);
  }
  return slots;
}

function step(segment: string): { name: string; items: boolean } {
  return segment.endsWith('[]') ? { name: segment.slice(0, -2), items: true } : { name: segment, items: false };
}

function variantsOf(slot: Slot): Slot[] {
  const anyOf = slot.read().anyOf as JsonSchema[] | undefined;
  if (!Array.isArray(anyOf)) return [slot];
  return anyOf.map((_variant, index) => ({ read: () => anyOf[index]!, write: (schema) => (anyOf[index] = schema) }));
}

function itemsOf(slot: Slot): Slot[] {
  return variantsOf(slot).flatMap((variant) => {
    const parent = variant.read();
    return isPlainObject(parent.items) ? [{ read: () => parent.items as JsonSchema, write: (schema: JsonSchema) => (parent.items = schema) }] : [];
  });
}

function propertyOf(slot: Slot, name: string): Slot[] {
  return variantsOf(slot).flatMap((variant) => {
    const properties = variant.read().properties as Record<string, JsonSchema> | undefined;
    return properties?.[name] ? [{ read: () => properties[name]!, write: (schema: JsonSchema) => (properties[name] = schema) }] : [];
  });
}

function argOf(entry: ToolEntry, name: string): ArgSpec | undefined {
  return entry.args.find((arg) => arg.name === name);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

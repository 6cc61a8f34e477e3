import type { JsonSchema } from '../catalog/types.js';
import { dayMonthUnclear, instantOf, parseTime, TIME_FORMS, type ZoneAnswer } from './times.js';
import { offsetText, zoneOffset } from './zone.js';

/** A value that has two readings (or none): `text` names the argument, the reason and the fix. */
export interface Refusal {
  path: string;
  text: string;
}

/** What preparing the arguments found: conversions and fills made (notes), values refused (nothing is sent then). */
export interface Findings {
  notes: string[];
  refusals: Refusal[];
}

/** Refuses the value at `path`; the text starts with the path, as validation messages do. */
export function refuse(found: Findings, path: string, reason: string): void {
  found.refusals.push({ path, text: `${path}: ${reason}` });
}

/** Where the argument travels: a query list sent comma-separated (`csv`), a value sent as text (query, path, header). */
export interface Carriage {
  csv?: boolean;
  asText?: boolean;
}

/** The location's zone, asked for by the argument (path) whose time has no offset; read only then. */
export type ZoneSource = (path: string) => Promise<ZoneAnswer>;

type Kind = 'array' | 'object' | 'number' | 'integer' | 'boolean' | 'string';

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const PLAIN_INTEGER = /^\d+$/;
/** A comma in a number is a thousands separator in one convention and the decimal mark in another. */
const COMMA_NUMBER = /^[+-]?\d[\d,]*(?:\.\d+)?$/;
const EPOCH_UNITS: Record<string, { name: string; perSecond: number }> = {
  'epoch-ms': { name: 'epoch ms', perSecond: 1000 },
  'epoch-s': { name: 'epoch seconds', perSecond: 1 },
};

const show = (value: unknown) => JSON.stringify(value);

/**
 * Turns what an agent sent into what the schema wants where only one reading is possible, saying so in a note:
 * ISO 8601 dates and times for epoch fields (no offset: the location's zone), numbers and booleans written as
 * text, a single value where a list is wanted, a number or boolean for a text value that travels as text anyway
 * (query, path, header). Anything with two readings is refused with the reason and the fix; anything else (a
 * number for a text field of a JSON body, say) is left for validation to judge.
 */
export async function coerce(schema: JsonSchema, value: unknown, path: string, found: Findings, zone: ZoneSource, carriage: Carriage = {}): Promise<unknown> {
  if (value === undefined || value === null) return value;
  const typed = typedSchema(schema);
  if (!typed) return value;
  const [kind, shape] = typed;
  switch (kind) {
    case 'array':
      return coerceList(shape, value, path, found, zone, carriage);
    case 'object':
      return coerceObject(shape, value, path, found, zone);
    case 'number':
    case 'integer':
      return EPOCH_UNITS[String(shape.format)] ? coerceEpoch(shape, value, path, found, zone, false) : coerceNumber(value, path, found);
    case 'boolean':
      return coerceBoolean(value, path, found);
    case 'string':
      // A few epoch fields are typed string (calendar events' startTime): the same number, sent as its digits.
      if (EPOCH_UNITS[String(shape.format)]) return coerceEpoch(shape, value, path, found, zone, true);
      return shape.format === 'date-time' ? withOffset(coerceText(shape, value, path, found, carriage.asText === true), path, found, zone) : coerceText(shape, value, path, found, carriage.asText === true);
  }
}

/** The one type a schema wants (a single non-null `anyOf` branch counts); undefined when it allows several. */
function typedSchema(schema: JsonSchema): [Kind, JsonSchema] | undefined {
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as JsonSchema[]).filter((branch) => branch.type !== 'null');
    return branches.length === 1 ? typedSchema(branches[0]!) : undefined;
  }
  const types = (Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type]).filter((type) => type && type !== 'null');
  return types.length === 1 ? [types[0] as Kind, schema] : undefined;
}

async function coerceList(schema: JsonSchema, value: unknown, path: string, found: Findings, zone: ZoneSource, carriage: Carriage): Promise<unknown> {
  const items = (schema.items as JsonSchema | undefined) ?? {};
  let list: unknown[];
  if (Array.isArray(value)) {
    list = value;
  } else if (typeof value === 'string' && /^\s*\[[\s\S]*\]\s*$/.test(value)) {
    refuse(found, path, `${show(value)} is a list written as text; send the list itself, e.g. ${value.trim()}`);
    return value;
  } else if (typeof value === 'string' && value.includes(',') && !carriage.csv && typedSchema(items)?.[0] === 'string') {
    const parts = value.split(',').map((part) => part.trim());
    refuse(found, path, `${show(value)} could be one value or ${parts.length}; send a list: ${show(parts)} or ${show([value])}`);
    return value;
  } else {
    list = [value];
    found.notes.push(`${path} read as a list of one: ${show(list)}`);
  }
  const out: unknown[] = [];
  for (const [index, item] of list.entries()) out.push(await coerce(items, item, `${path}[${index}]`, found, zone, { asText: carriage.asText }));
  return out;
}

async function coerceObject(schema: JsonSchema, value: unknown, path: string, found: Findings, zone: ZoneSource): Promise<unknown> {
  if (typeof value === 'string' && /^\s*\{[\s\S]*\}\s*$/.test(value)) {
    refuse(found, path, "an object written as text; send the object itself, not its JSON");
    return value;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, child] of Object.entries(properties)) {
    if (out[name] !== undefined) out[name] = await coerce(child, out[name], `${path}.${name}`, found, zone);
  }
  return out;
}

function coerceNumber(value: unknown, path: string, found: Findings): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (PLAIN_NUMBER.test(text)) {
    const number = Number(text);
    found.notes.push(`${path} read as the number ${number}`);
    return number;
  }
  if (COMMA_NUMBER.test(text)) {
    refuse(found, path, `${show(value)} — the comma could group thousands or mark decimals; send a plain number (1234.5)`);
  }
  return value;
}

function coerceBoolean(value: unknown, path: string, found: Findings): unknown {
  if (typeof value !== 'string' || !/^(true|false)$/i.test(value.trim())) return value;
  const flag = value.trim().toLowerCase() === 'true';
  found.notes.push(`${path} read as ${flag}`);
  return flag;
}

/**
 * A number or boolean for a text value that travels as text becomes that text (the same bytes reach GHL). A date
 * field refuses what has two readings: a number (which unit, which zone?) or 01/02/2026.
 */
function coerceText(schema: JsonSchema, value: unknown, path: string, found: Findings, asText: boolean): unknown {
  const dated = schema.format === 'date' || schema.format === 'date-time';
  if (asText && !dated && (typeof value === 'number' || typeof value === 'boolean')) {
    found.notes.push(`${path} read as the text ${show(String(value))}`);
    return String(value);
  }
  if (!dated) return value;
  if (typeof value === 'number') refuse(found, path, `a number is not a date here; send ${TIME_FORMS}`);
  const unordered = typeof value === 'string' && dayMonthUnclear(value);
  if (unordered) refuse(found, path, unordered);
  return value;
}

/**
 * A date-time written without an offset (`2026-12-03T10:30`) is a wall-clock time in the location's zone, sent
 * with that zone's offset so GHL cannot read it in another (its servers' UTC, say). A date alone, or a time with
 * Z or an offset, goes as written.
 */
async function withOffset(value: unknown, path: string, found: Findings, zone: ZoneSource): Promise<unknown> {
  if (typeof value !== 'string') return value;
  const written = parseTime(value);
  if ('refused' in written || written.dateOnly || written.offset !== undefined) return value;
  const where = await zone(path);
  const reading = instantOf(written, where);
  // instantOf refuses a time without offset when the zone is not known.
  if ('refused' in reading || !('zone' in where)) {
    if ('refused' in reading) refuse(found, path, reading.refused);
    return value;
  }
  const clock = written.clock.length === 16 ? `${written.clock}:00` : written.clock;
  const sent = `${clock}${offsetText(zoneOffset(reading.instant, where.zone))}`;
  found.notes.push(`${path} read as ${reading.shown}, sent as ${sent}`);
  return sent;
}

/**
 * Epoch fields take a number in their unit, the same number as text, or an ISO 8601 date or time; `asDigits`:
 * the field is typed string, so the number is sent as its digits.
 */
async function coerceEpoch(schema: JsonSchema, value: unknown, path: string, found: Findings, zone: ZoneSource, asDigits: boolean): Promise<unknown> {
  const unit = EPOCH_UNITS[String(schema.format)]!;
  if (typeof value === 'number') {
    const mistake = unitMistake(value, unit.perSecond);
    if (mistake) refuse(found, path, mistake);
    else if (asDigits && Number.isInteger(value)) {
      found.notes.push(`${path} read as the text ${show(String(value))}`);
      return String(value);
    }
    return value;
  }
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (PLAIN_INTEGER.test(text)) {
    const number = Number(text);
    const mistake = unitMistake(number, unit.perSecond);
    if (mistake) refuse(found, path, mistake);
    else if (asDigits) return text;
    else found.notes.push(`${path} read as the number ${number}`);
    return mistake ? value : number;
  }
  const written = parseTime(text);
  if ('refused' in written) {
    refuse(found, path, written.refused);
    return value;
  }
  const reading = instantOf(written, written.offset === undefined ? await zone(path) : undefined);
  if ('refused' in reading) {
    refuse(found, path, reading.refused);
    return value;
  }
  const number = unit.perSecond === 1 ? Math.floor(reading.instant / 1000) : reading.instant;
  found.notes.push(`${path} read as ${reading.shown} = ${number} (${unit.name}${asDigits ? ', sent as text' : ''})`);
  return asDigits ? String(number) : number;
}

/**
 * A recent moment in the other unit (seconds where milliseconds are wanted, or the reverse) has two readings, so
 * it is refused: 1e9..1e11 is 2001..5138 in seconds but early 1970 in milliseconds.
 */
function unitMistake(value: number, perSecond: number): string | undefined {
  if (perSecond === 1000 && value >= 1e9 && value < 1e11) {
    return `${value} as milliseconds is a moment in 1970-1973; if it is in seconds, send ${value * 1000}, or send ${TIME_FORMS}`;
  }
  if (perSecond === 1 && value >= 1e11) {
    return `${value} as seconds is thousands of years away; if it is in milliseconds, send ${Math.floor(value / 1000)}, or send ${TIME_FORMS}`;
  }
  return undefined;
}

import { idProvenance } from './provenance.js';
import { LISTED_FORMATS } from './strict-subset.js';
import type { JsonSchema } from './types.js';

/**
 * Short argument hints in our own words, rendered from the facts the catalog keeps (format, example, default,
 * limits, enum size) and from ID provenance. Nothing here is copied from the documents' prose.
 */

/** How much a hint may say: `lean` when hundreds of tools are listed, `rich` for a toolset, `full` for describe. */
export type Detail = 'lean' | 'rich' | 'full';

/** Where an argument sits: its tool (for ID provenance) and whether the configuration fills it. */
export interface HintContext {
  tool: string;
  module: string;
  path: string;
  detail: Detail;
  /** Argument names the configured location / company fill when left out. */
  configured?: ReadonlySet<string>;
  /** The tool's paging style: paging arguments are described by their role. */
  paging?: string;
}

const FORMAT_WORDS: Record<string, string> = {
  'epoch-ms': 'epoch milliseconds',
  'epoch-s': 'epoch seconds (not ms)',
  'date-time': 'ISO 8601 date-time',
  date: 'date YYYY-MM-DD',
  email: 'email address',
  uri: 'URL',
};
/** Formats a field's name already says (`email`, `website`): a lean list spends no words on them. */
const SELF_EVIDENT_FORMATS = new Set(['email', 'uri']);
/** Regular expressions of the documents, in words (tools/list carries no patterns: strict providers refuse them). */
const PATTERN_WORDS: Record<string, string> = {
  '^([01]?[0-9]|2[0-3]):[0-5][0-9]$': 'time HH:mm',
  '^\\d{4}-\\d{2}-\\d{2}$': 'date YYYY-MM-DD',
  '^[A-Za-z_]+/[A-Za-z_]+$': 'IANA time zone',
};

/** Field names whose meaning is the same across GHL and not evident from the name: our words for them. */
const NAME_MEANINGS: Record<string, string> = {
  liveMode: 'true: real payments; false: test mode, no money moves',
  isLivePaymentMode: 'true: real payments; false: test mode, no money moves',
  dnd: 'do not disturb: true stops messages on every channel',
  tags: 'tag names, not IDs',
  companyId: 'the agency (company) ID; GHL_COMPANY_ID fills it when configured',
};

const MAX_EXAMPLE_CHARS = 40;

export function typeName(schema: JsonSchema): string | undefined {
  const type = schema.type;
  return Array.isArray(type) ? (type as string[]).find((name) => name !== 'null') : (type as string | undefined);
}

/** Where a field sits: its name, the property it is nested in (for `id`s) and the names beside it. */
export interface ArgPlace {
  name: string;
  /** Must be sent (whenever its parent is): a boolean's documented example then tells which value is usual. */
  required?: boolean;
  parent?: string;
  siblings?: readonly string[];
  /** What the enclosing field's own text says (an overlay's words): a source it names is not repeated. */
  said?: string;
}

/** The hint for one argument or nested field, or undefined when the facts say nothing an agent can use. */
export function argHint(place: ArgPlace, schema: JsonSchema, context: HintContext, droppedEnum?: unknown[]): string | undefined {
  const kind = kindWords(place, schema, context.detail, droppedEnum);
  const sources = context.detail === 'lean' ? [] : [...roleWords(place.name, context), ...optional(unsaid(idProvenance(place, schema, context), place.said))];
  const values = valueWords(place, schema, context.detail, kind.example, sources.some((words) => words.startsWith('from ')));
  const limits = context.detail === 'full' ? [] : constraintWords(schema, kind.words);
  const parts = [...kind.words, ...limits, ...sources, ...values, ...optional(serverWords(schema)), ...(schema.deprecated === true ? ['deprecated'] : [])];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Provenance ("from a_tool, …") unless the enclosing field's text already names its first tool. */
function unsaid(source: string | undefined, said: string | undefined): string | undefined {
  const first = source && /^from ([\w-]+)/.exec(source)?.[1];
  return first && said?.includes(first) ? undefined : source;
}

function optional(words: string | undefined): string[] {
  return words ? [words] : [];
}

/** What kind of value it is: format or standard, unit, what each item is, the kinds or the value set it takes. */
function kindWords(place: ArgPlace, schema: JsonSchema, detail: Detail, droppedEnum?: unknown[]): { words: string[]; example?: string } {
  const { name } = place;
  const words: string[] = [];
  const type = typeName(schema);
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (format && saysFormat(format, detail)) words.push(FORMAT_WORDS[format] ?? format);
  const semantic = !format && !schema.enum && type === 'string' ? semanticWords(name, schema) : undefined;
  if (semantic) words.push(semantic.words);
  const numeric = type === 'number' || type === 'integer';
  const unit = numeric && place.siblings?.find((sibling) => sibling === `${name}Unit` || sibling === `${name}Units`);
  if (unit) words.push(`unit: ${unit}`);
  if (numeric && /Percent(age)?$/i.test(name)) words.push('a percentage');
  if (NAME_MEANINGS[name] && detail !== 'lean') words.push(NAME_MEANINGS[name]);
  const each = type === 'array' ? itemWords(schema.items as JsonSchema | undefined, detail) : undefined;
  if (each) words.push(each);
  if (!type && Array.isArray(schema.anyOf) && detail !== 'lean') words.push(anyOfWords(schema.anyOf as JsonSchema[]));
  if (droppedEnum) words.push(largeEnumWords(droppedEnum));
  return { words, example: semantic?.example };
}

/** Its role in the call: a paging argument, or one the configured location or company fills. */
function roleWords(name: string, context: HintContext): string[] {
  const words: string[] = [];
  const role = context.paging ? PAGING_ROLES[name] : undefined;
  if (role) words.push(role);
  if (context.configured?.has(name)) words.push(name.startsWith('company') ? 'default: the configured company' : 'default: the configured location');
  return words;
}

/**
 * A sample value, limits and the default. An ID's sample says nothing (where to get one does), nor does an
 * optional boolean's; a lean list shows a sample only where a standard needs one to be read right (E.164).
 */
function valueWords(place: ArgPlace, schema: JsonSchema, detail: Detail, standardExample: string | undefined, sourced: boolean): string[] {
  const words: string[] = [];
  const quiet = sourced || (typeName(schema) === 'boolean' && !place.required) || (detail === 'lean' && !standardExample);
  const example = quiet ? undefined : exampleWords(schema, standardExample);
  if (example) words.push(example);
  if (detail === 'lean') return words;
  words.push(...limitWords(schema));
  if (schema.default !== undefined) words.push(`default ${shortJson(schema.default)}`);
  return words;
}

/** What the server does about a field: fills it when left out, or refuses to assume it (tools/overlays/defaults.ts). */
export function serverWords(schema: JsonSchema): string | undefined {
  if (typeof schema['x-filled'] === 'string') return `filled when left out: ${schema['x-filled']}`;
  if (typeof schema['x-choice'] === 'string') return `needed, never assumed: ${schema['x-choice']}`;
  return undefined;
}

/** Whether the hint names the format: always in full; in a listing, unless the keyword is listed or the name says it. */
function saysFormat(format: string, detail: Detail): boolean {
  if (detail === 'full') return true;
  return !LISTED_FORMATS.has(format) && !(detail === 'lean' && SELF_EVIDENT_FORMATS.has(format));
}

/**
 * What validation checks that tools/list cannot carry as keywords (strict providers refuse them): lengths, a
 * pattern, an encoding. Said in every listing, lean too: a value that breaks them is refused.
 */
function constraintWords(schema: JsonSchema, said: readonly string[]): string[] {
  const words: string[] = [];
  if (schema.contentEncoding === 'base64') words.push('base64');
  if (typeof schema.pattern === 'string') {
    const pattern = PATTERN_WORDS[schema.pattern] ?? `matching ${schema.pattern}`;
    if (!said.includes(pattern)) words.push(pattern);
  }
  if (typeof schema.minLength === 'number' && schema.minLength > 0) words.push(schema.minLength === 1 ? 'not empty' : `at least ${schema.minLength} characters`);
  if (typeof schema.maxLength === 'number') words.push(`at most ${schema.maxLength} characters`);
  return words;
}

/** What each item of a list is, when its format or bounds say: `each URL`, `each 0 to 6`. */
function itemWords(items: JsonSchema | undefined, detail: Detail): string | undefined {
  const format = typeof items?.format === 'string' ? items.format : undefined;
  if (format) return saysFormat(format, detail) || detail === 'rich' ? `each ${FORMAT_WORDS[format] ?? format}` : undefined;
  if (detail !== 'lean' && typeof items?.minimum === 'number' && typeof items.maximum === 'number') return `each ${items.minimum} to ${items.maximum}`;
  return undefined;
}

/** The kinds a field accepts, when it accepts several: `string, number, boolean or object`. */
function anyOfWords(variants: JsonSchema[]): string {
  const kinds = [...new Set(variants.map((variant) => typeName(variant) ?? 'any value'))];
  return kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}` : `${kinds[0]}`;
}

function shortJson(value: unknown): string {
  if (typeof value === 'string' && /^[\w.:/+@-]+$/.test(value)) return value;
  return JSON.stringify(value);
}

function exampleWords(schema: JsonSchema, own: string | undefined): string | undefined {
  const example = own ?? (Array.isArray(schema.examples) ? schema.examples[0] : undefined);
  if (example === undefined) return undefined;
  const text = shortJson(example);
  return text.length <= MAX_EXAMPLE_CHARS ? `e.g. ${text}` : undefined;
}

function limitWords(schema: JsonSchema): string[] {
  const words: string[] = [];
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') words.push(`${schema.minimum} to ${schema.maximum}`);
  if (typeof schema['x-minimum'] === 'number') words.push(`min ${schema['x-minimum']}`);
  if (typeof schema['x-maximum'] === 'number') words.push(`max ${schema['x-maximum']}`);
  if (typeof schema['x-range-days'] === 'number') words.push(`range at most ${schema['x-range-days']} days`);
  if (typeof schema['x-max-length'] === 'number') words.push(`at most ${schema['x-max-length']} characters`);
  return words;
}

/**
 * What a field's name says about a plain string: phone numbers, currencies, countries and time zones follow
 * standards the documents rarely spell out; `example` replaces a documents' example that does not follow it.
 */
function semanticWords(name: string, schema: JsonSchema): { words: string; example?: string } | undefined {
  const example = Array.isArray(schema.examples) && typeof schema.examples[0] === 'string' ? (schema.examples[0] as string) : undefined;
  if (/(^|[a-z])(phone|Phone)(Number)?$|^(from|to)Number$/.test(name)) {
    return { words: 'phone in E.164', example: example && /^\+\d{8,15}$/.test(example) ? example : '+14155550123' };
  }
  if (/(^|[a-z])[cC]urrency(Code)?$/.test(name)) return { words: 'ISO 4217 currency code', example: example && /^[A-Z]{3}$/.test(example) ? example : 'USD' };
  if (/(^|[a-z])[cC]ountry(Code)?$/.test(name) && (!example || /^[A-Z]{2}$/.test(example))) return { words: 'ISO 3166-1 alpha-2 country code', example: example ?? 'US' };
  if (/(^|[a-z])[tT]ime_?[zZ]one$/.test(name)) return { words: 'IANA time zone', example: example && example.includes('/') ? example : 'America/New_York' };
  if (/(^|[a-z])[eE]mail$|^email(To|From|Cc|Bcc)$/.test(name)) return { words: 'email address' };
  if (/(^|[a-z])(url|Url|URL|link|Link|website|Website|Image)$/.test(name)) return { words: 'URL' };
  if (/(^|[a-z])[cC]olou?r$/.test(name)) return { words: 'hex color', example: example ?? '#039be5' };
  if (/(^|[a-z])(html|Html|HTML)$/.test(name)) return { words: 'HTML' };
  return undefined;
}

/** Value sets too long to list whose meaning is a standard: said in words, still validated in full. */
const STANDARD_SETS: { test: (values: unknown[]) => boolean; words: string; sample: string }[] = [
  { test: (values) => values.length > 100 && values.every((value) => typeof value === 'string' && /^[A-Z]{2}$/.test(value)) && values.includes('US'), words: 'ISO 3166-1 alpha-2 country code', sample: 'US' },
  { test: (values) => values.length > 100 && values.every((value) => typeof value === 'string' && /^[A-Z0-9]{1,3}$/.test(value)) && values.includes('NY'), words: 'state or province code', sample: 'NY' },
  { test: (values) => values.length > 100 && values.every((value) => typeof value === 'string' && /^[A-Z]{3}$/.test(value)) && values.includes('USD'), words: 'ISO 4217 currency code', sample: 'USD' },
  { test: (values) => values.length > 100 && values.some((value) => value === 'America/New_York'), words: 'IANA time zone', sample: 'America/New_York' },
];

export const MAX_LISTED_ENUM = 16;

/** A standard value set's words and a valid sample, for an enum too long to list. */
export function standardSet(values: unknown[]): { words: string; sample: string } | undefined {
  if (values.length <= MAX_LISTED_ENUM) return undefined;
  return STANDARD_SETS.find((set) => set.test(values));
}

/** Values the listing leaves out: a standard set by name, a short set in full (numbers), a long one by count. */
function largeEnumWords(values: unknown[]): string {
  const standard = standardSet(values);
  if (standard) return `${standard.words}, e.g. ${standard.sample}`;
  if (values.length <= MAX_LISTED_ENUM) return `one of ${values.map(shortJson).join(', ')}`;
  return `one of ${values.length} values, e.g. ${shortJson(values[0])} (all: ghl_describe_tool)`;
}

const PAGING_ROLES: Record<string, string> = {
  limit: 'page size',
  pageLimit: 'page size',
  pageSize: 'page size',
  pageLength: 'page size',
  skip: 'records to skip',
  offset: 'records to skip',
  page: 'page number',
  startAfter: 'from the previous page',
  startAfterId: 'from the previous page',
  startAfterDate: 'from the previous page',
  searchAfter: 'from the previous page',
  cursor: 'from the previous page',
  lastMessageId: 'from the previous page',
};

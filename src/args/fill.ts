import type { ArgRules, FillSource } from '../../tools/overlays/defaults.js';
import type { Findings } from './coerce.js';
import type { CallFacts, Read } from './facts.js';
import { isRecord, slotsAt, valueAt } from './paths.js';

type Json = Record<string, unknown>;

/**
 * A source's value and where it came from, or why there is none: `failed` when a record could not be read,
 * `absent` when the record simply lacks it.
 */
interface Outcome {
  value?: unknown;
  from: string[];
  failed: string[];
  absent: string[];
}

const show = (value: unknown) => JSON.stringify(value);

/** Fills the missing arguments the rules name, in order, noting each value and where it came from. */
export async function fillDefaults(rules: ArgRules, args: Json, facts: CallFacts, found: Findings): Promise<void> {
  for (const [path, source] of Object.entries(rules.fill ?? {})) {
    const open = slotsAt(args, path).filter((slot) => slot.holder[slot.key] === undefined);
    if (open.length === 0) continue;
    const outcome = await evaluate(source, args, facts);
    const where = open.length === 1 ? open[0]!.shown : `${path} (${open.length} items)`;
    if (outcome.value === undefined) {
      const why = outcome.failed.length > 0 ? outcome.failed : outcome.absent;
      if (why.length > 0) found.notes.push(`${where} not filled: ${unique(why).join('; ')}`);
      continue;
    }
    for (const slot of open) slot.holder[slot.key] = structuredClone(outcome.value);
    found.notes.push(`${where} filled with ${show(outcome.value)} (${origins(outcome.from)})`);
  }
}

/** Choices with money or sending consequences that the call left out: each refused with the choice spelled out. */
export function missingChoices(rules: ArgRules, args: Json, found: Findings): void {
  for (const [path, choice] of Object.entries(rules.choices ?? {})) {
    if (valueAt(args, path) === undefined) found.refusals.push({ path, text: `${path} is required, and never assumed because it decides whether money moves or a message goes out: ${choice}` });
  }
}

async function evaluate(source: FillSource, args: Json, facts: CallFacts): Promise<Outcome> {
  const outcome: Outcome = { from: [], failed: [], absent: [] };
  if ('fields' in source) {
    const object: Json = {};
    for (const [name, child] of Object.entries(source.fields)) {
      const part = await evaluate(child, args, facts);
      if (part.value !== undefined) object[name] = part.value;
      outcome.from.push(...part.from);
      outcome.failed.push(...part.failed);
    }
    if (Object.keys(object).length > 0) outcome.value = object;
    return outcome;
  }
  if ('value' in source) return { ...outcome, value: source.value, from: [source.because] };
  if ('arg' in source) {
    const value = valueAt(args, source.arg);
    if (value === undefined || value === '') return outcome;
    return { ...outcome, value: source.list ? [value] : value, from: [`from ${source.arg}`] };
  }
  if ('sharedBy' in source) return shared(source.sharedBy, args, outcome);
  if ('today' in source) {
    const today = await facts.today();
    if ('unknown' in today) return { ...outcome, failed: [`today's date in the location's time zone is not known: ${today.unknown}`] };
    return { ...outcome, value: today.date, from: [`today in ${today.zone}`] };
  }
  if ('location' in source) return pick(await facts.location(), source.location, 'the location profile', outcome);
  const contactId = valueAt(args, source.of);
  if (typeof contactId !== 'string' || contactId === '') return outcome;
  return pick(await facts.contact(contactId), source.contact, `contact ${contactId}`, outcome);
}

/** The first field of the record that has a value; a list of fields is joined with spaces. */
function pick(read: Read, fields: (string | string[])[], name: string, outcome: Outcome): Outcome {
  if ('failed' in read) return { ...outcome, failed: [read.failed] };
  for (const field of fields) {
    const parts = (Array.isArray(field) ? field : [field]).map((one) => valueAt(read.record, one)).filter((part) => part !== undefined && part !== null && part !== '');
    if (parts.length === 0) continue;
    return { ...outcome, value: Array.isArray(field) ? parts.join(' ') : parts[0], from: [`from ${name}`] };
  }
  return { ...outcome, absent: [`${name} has no ${fields.map((field) => [field].flat().join(' + ')).join(' or ')}`] };
}

/** The one value all elements agree on at `list[].field`; none when they differ or some lack it. */
function shared(path: string, args: Json, outcome: Outcome): Outcome {
  const [listName, field] = path.split('[].');
  const list = args[listName!];
  if (!Array.isArray(list) || list.length === 0) return outcome;
  const values = new Set(list.map((item) => (isRecord(item) ? item[field!] : undefined)));
  const [value] = values;
  if (values.size !== 1 || value === undefined || value === '') return outcome;
  return { ...outcome, value, from: [`the ${field} every item of ${listName} gives`] };
}

/** "from a, b" for several arguments or records; other reasons as they are. */
function origins(from: string[]): string {
  const all = unique(from);
  if (all.length > 1 && all.every((origin) => origin.startsWith('from '))) return `from ${all.map((origin) => origin.slice(5)).join(', ')}`;
  return all.join('; ');
}

function unique(texts: string[]): string[] {
  return [...new Set(texts)];
}

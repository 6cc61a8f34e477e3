import { describe, expect, it } from 'vitest';
import type { Findings } from '../../src/args/coerce.js';
import type { CallFacts, Read } from '../../src/args/facts.js';
import { fillDefaults, missingChoices } from '../../src/args/fill.js';
import type { JsonSchema } from '../../src/catalog/types.js';
import { MODULES } from '../../tools/index.js';
import { ARG_RULES, type ArgRules, type FillSource } from '../../tools/overlays/defaults.js';

type Json = Record<string, any>;

/** Facts as a call would see them, from plain records (or failures), counting the reads. */
function facts(options: { profile?: Read; contacts?: Record<string, Read>; today?: { date: string; zone: string } | { unknown: string } } = {}) {
  const reads = { location: 0, contact: 0 };
  const fake = {
    location: async () => {
      reads.location += 1;
      return options.profile ?? { failed: 'no profile in this test' };
    },
    contact: async (id: string) => {
      reads.contact += 1;
      return options.contacts?.[id] ?? { failed: `contact ${id} could not be read: HTTP 404` };
    },
    today: async () => options.today ?? { date: '2026-12-01', zone: 'America/Chicago' },
  } as unknown as CallFacts;
  return { fake, reads };
}

async function fill(rules: ArgRules, args: Json, from = facts().fake) {
  const found: Findings = { notes: [], refusals: [] };
  await fillDefaults(rules, args, from, found);
  return { args, notes: found.notes };
}

describe('the defaults interpreter', () => {
  it('takes the first profile field that has a value, and builds objects without the fields that have none', async () => {
    const rules: ArgRules = {
      fill: {
        sender: { fields: { name: { location: ['business.name', 'name'] }, fax: { location: ['fax'] }, address: { fields: { city: { location: ['city'] } } } } },
      },
    };
    const { args, notes } = await fill(rules, {}, facts({ profile: { record: { name: 'Loc', business: { name: '' }, city: 'Austin' } } }).fake);
    expect(args).toEqual({ sender: { name: 'Loc', address: { city: 'Austin' } } });
    expect(notes).toEqual(['sender filled with {"name":"Loc","address":{"city":"Austin"}} (from the location profile)']);
  });

  it('joins a list of contact fields, and says when the contact lacks what was asked', async () => {
    const rules: ArgRules = {
      fill: {
        'person.name': { contact: ['name', ['firstName', 'lastName']], of: 'person.id' },
        'person.phone': { contact: ['phone'], of: 'person.id' },
      },
    };
    const from = facts({ contacts: { c1: { record: { firstName: 'Ada', lastName: 'Lovelace' } } } });
    const { args, notes } = await fill(rules, { person: { id: 'c1' } }, from.fake);
    expect(args.person).toEqual({ id: 'c1', name: 'Ada Lovelace' });
    expect(notes).toEqual(['person.name filled with "Ada Lovelace" (from contact c1)', 'person.phone not filled: contact c1 has no phone']);
    expect(from.reads.contact).toBe(2);
  });

  it('never creates a missing parent, and reads nothing when every slot is taken', async () => {
    const rules: ArgRules = { fill: { 'person.phone': { contact: ['phone'], of: 'person.id' }, given: { location: ['name'] } } };
    const from = facts();
    const { args, notes } = await fill(rules, { given: 'mine' }, from.fake);
    expect(args).toEqual({ given: 'mine' });
    expect(notes).toEqual([]);
    expect(from.reads).toEqual({ location: 0, contact: 0 });
  });

  it('copies another argument (as a list of one), and fills every element of a list', async () => {
    const rules: ArgRules = {
      fill: { 'lines[].unit': { arg: 'unit' }, to: { fields: { email: { arg: 'who.email', list: true } } } },
    };
    const { args, notes } = await fill(rules, { unit: 'kg', lines: [{ n: 1 }, { n: 2, unit: 'g' }, { n: 3 }, 'text'], who: { email: 'a@b.c' } });
    expect(args.lines).toEqual([{ n: 1, unit: 'kg' }, { n: 2, unit: 'g' }, { n: 3, unit: 'kg' }, 'text']);
    expect(args.to).toEqual({ email: ['a@b.c'] });
    expect(notes).toEqual(['lines[].unit (2 items) filled with "kg" (from unit)', 'to filled with {"email":["a@b.c"]} (from who.email)']);
    // Filled values are copies: changing one item's fill leaves the other alone.
    args.lines[0].unit = 'lb';
    expect(args.lines[2].unit).toBe('kg');
  });

  it('a shared value only when every element agrees', async () => {
    const rules: ArgRules = { fill: { currency: { sharedBy: 'items[].currency' } } };
    expect((await fill(rules, { items: [{ currency: 'USD' }, { currency: 'USD' }] })).args.currency).toBe('USD');
    expect((await fill(rules, { items: [{ currency: 'USD' }, { currency: 'EUR' }] })).args.currency).toBeUndefined();
    expect((await fill(rules, { items: [{ currency: 'USD' }, {}] })).args.currency).toBeUndefined();
    expect((await fill(rules, { items: [] })).args.currency).toBeUndefined();
  });

  it('today in the location zone, or a note why not', async () => {
    const rules: ArgRules = { fill: { issueDate: { today: true } } };
    expect(await fill(rules, {})).toEqual({ args: { issueDate: '2026-12-01' }, notes: ['issueDate filled with "2026-12-01" (today in America/Chicago)'] });
    const unknown = await fill(rules, {}, facts({ today: { unknown: 'the location profile names no time zone' } }).fake);
    expect(unknown).toEqual({ args: {}, notes: ["issueDate not filled: today's date in the location's time zone is not known: the location profile names no time zone"] });
  });

  it('a fixed value says why it is safe', async () => {
    const rules: ArgRules = { fill: { mode: { value: 'draft', because: 'a draft sends nothing' } } };
    expect((await fill(rules, {})).notes).toEqual(['mode filled with "draft" (a draft sends nothing)']);
  });

  it('choices are refused only when missing', () => {
    const found: Findings = { notes: [], refusals: [] };
    missingChoices({ choices: { action: '"send" or "draft".', liveMode: 'true or false.' } }, { liveMode: false }, found);
    expect(found.refusals).toEqual([{ path: 'action', text: expect.stringMatching(/^action is required, and never assumed .*: "send" or "draft"\.$/) }]);
  });
});

describe('the defaults data matches the catalog', () => {
  const entries = new Map(MODULES.flatMap((module) => module.tools).map((entry) => [entry.name, entry]));

  /** The schema a path names inside the tool's arguments (`items[].currency`, `contactDetails.phoneNo`). */
  function schemaAt(name: string, path: string): JsonSchema | undefined {
    const [first, ...rest] = path.split('.');
    let schema = entries.get(name)?.args.find((arg) => arg.name === first!.replace('[]', ''))?.schema;
    if (first!.endsWith('[]')) schema = schema?.items as JsonSchema | undefined;
    for (const step of rest) {
      schema = (schema?.properties as Record<string, JsonSchema> | undefined)?.[step.replace('[]', '')];
      if (step.endsWith('[]')) schema = schema?.items as JsonSchema | undefined;
    }
    return schema;
  }

  /** Every field a `fields` source would send is declared by the schema (GHL answers 422 to undeclared ones). */
  function undeclared(source: FillSource, schema: JsonSchema | undefined, where: string): string[] {
    if (!('fields' in source)) return [];
    const properties = (schema?.properties as Record<string, JsonSchema> | undefined) ?? {};
    return Object.entries(source.fields).flatMap(([key, child]) =>
      properties[key] ? undeclared(child, properties[key], `${where}.${key}`) : [`${where}.${key}`],
    );
  }

  it.each(Object.keys(ARG_RULES))('%s: every filled or chosen path, and every field it builds, is in the contract', (name) => {
    expect(entries.has(name), `${name} is a generated tool name`).toBe(true);
    const rules = ARG_RULES[name]!;
    for (const [path, source] of Object.entries(rules.fill ?? {})) {
      expect(schemaAt(name, path), `${name} ${path}`).toBeDefined();
      expect(undeclared(source, schemaAt(name, path), path)).toEqual([]);
      if ('arg' in source) expect(schemaAt(name, source.arg), `${name} ${source.arg}`).toBeDefined();
    }
    for (const path of Object.keys(rules.choices ?? {})) expect(schemaAt(name, path), `${name} ${path}`).toBeDefined();
  });
});

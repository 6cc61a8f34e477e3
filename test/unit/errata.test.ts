import { describe, expect, it } from 'vitest';
import { CatalogTool } from '../../src/catalog/catalog.js';
import { correct, errataNotes } from '../../src/catalog/errata.js';
import { errataChanges, wordsIn } from '../../src/catalog/errata-validator.js';
import type { ArgSpec, ToolEntry } from '../../src/catalog/types.js';
import type { Erratum, ErratumPatch } from '../../tools/overlays/types.js';

/** A small documented entry to correct: a message send with every kind of field the errata touch. */
function entry(args: ArgSpec[] = ARGS, extra: Partial<ToolEntry> = {}): ToolEntry {
  return { name: 'demo_send', operationId: 'send', method: 'POST', path: '/demo', summary: 'Send', body: { encoding: 'json', required: true }, args, ...extra };
}

const ARGS: ArgSpec[] = [
  { name: 'type', in: 'body', required: true, schema: { type: 'string', enum: ['SMS', 'Email', 'Custom'] } },
  { name: 'contactId', in: 'body', required: true, schema: { type: 'string' } },
  { name: 'subType', in: 'body', required: true, schema: { type: ['object', 'null'], examples: ['Email'] } },
  { name: 'status', in: 'body', schema: { type: 'string', enum: ['open', 'won', 'all'] } },
  { name: 'message', in: 'body', schema: { type: 'string' } },
  { name: 'html', in: 'body', schema: { type: 'string' } },
  { name: 'providerId', in: 'body', schema: { type: 'string' } },
  { name: 'limit', in: 'body', schema: { type: 'string' } },
  { name: 'fields', in: 'body', schema: { type: 'array', items: { anyOf: [{ type: 'object', properties: { id: { type: 'string' }, field_value: { type: 'string' } } }, { type: 'object', properties: { id: { type: 'string' }, field_value: { type: 'object' } } }] } } },
  { name: 'details', in: 'body', required: true, schema: { type: 'object', properties: { a: { type: 'boolean' }, b: { type: 'boolean' } }, required: ['a', 'b'] } },
];

function erratum(patches: ErratumPatch[], id = 'demo'): Erratum {
  return { id, row: { module: 'demo', operation: 'POST /demo' }, level: 'reported', tools: ['demo_send'], change: 'demo', patches };
}

/** The tool with these errata, and a parse of its validator that returns the data sent or the issues. */
function toolWith(patches: ErratumPatch[], base = entry()) {
  const tool = new CatalogTool('demo', base, { errata: [erratum(patches)] });
  const parse = (args: Record<string, unknown>) => {
    const result = tool.zod().safeParse(args);
    return result.success ? { data: result.data as Record<string, unknown> } : { issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  };
  return { tool, parse };
}

const VALID = { type: 'SMS', contactId: 'c1', subType: {}, details: { a: true, b: false } };

describe('errata interpreter: the contract', () => {
  it('keeps the documented entry as it was and applies each erratum whole or not at all', () => {
    const documented = entry();
    const before = JSON.stringify(documented);
    const { entry: fixed, applied, skipped } = correct(documented, [
      erratum([{ kind: 'optional', args: ['subType'] }], 'fits'),
      erratum([{ kind: 'optional', args: ['status'] }, { kind: 'optional', args: ['gone'] }], 'half-fits'),
    ]);
    expect(JSON.stringify(documented)).toBe(before);
    expect(applied.map((item) => item.id)).toEqual(['fits']);
    expect(skipped).toEqual([{ id: 'half-fits', reason: 'no argument gone' }]);
    expect(fixed.args.find((arg) => arg.name === 'subType')!.required).toBeUndefined();
    expect(fixed.args.find((arg) => arg.name === 'status')).toEqual(ARGS[3]);
  });

  it('makes arguments optional, so a call without them is valid and sends nothing for them', () => {
    const { parse } = toolWith([{ kind: 'optional', args: ['subType'] }]);
    expect(parse({ type: 'SMS', contactId: 'c1', details: { a: true, b: true } })).toEqual({ data: { type: 'SMS', contactId: 'c1', details: { a: true, b: true } } });
    expect(toolWith([]).parse({ type: 'SMS', contactId: 'c1', details: { a: true, b: true } }).issues).toEqual(['subType: Invalid input: expected object, received undefined']);
  });

  it('adds an argument the documents leave out, and refuses to add one twice', () => {
    const { tool, parse } = toolWith([{ kind: 'add', arg: { name: 'userId', in: 'body', schema: { type: 'string' } } }]);
    expect(tool.arg('userId')).toEqual({ name: 'userId', in: 'body', schema: { type: 'string' } });
    expect(parse({ ...VALID, userId: 'u1' }).data).toMatchObject({ userId: 'u1' });
    expect(correct(entry(), [erratum([{ kind: 'add', arg: ARGS[1]! }])]).skipped[0]!.reason).toBe('argument contactId exists already');
  });

  it('widens an object-typed scalar to any scalar or object, keeping null and the examples', () => {
    const { tool, parse } = toolWith([{ kind: 'anyValue', at: ['subType'] }]);
    expect(tool.arg('subType')!.schema).toEqual({ examples: ['Email'], anyOf: [{ type: ['string', 'null'] }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }] });
    for (const subType of ['Email', 3, true, {}, null]) expect(parse({ ...VALID, subType }).data).toMatchObject({ subType });
    expect(parse({ ...VALID, subType: ['x'] }).issues).toHaveLength(1);
  });

  it('replaces a nested schema in every anyOf variant on the path, and drops or adds enum values', () => {
    const widened = correct(entry(), [erratum([{ kind: 'anyValue', at: ['fields[].field_value'] }])]).entry;
    const variants = (widened.args.find((arg) => arg.name === 'fields')!.schema.items as { anyOf: { properties: { field_value: unknown } }[] }).anyOf;
    expect(variants.map((variant) => variant.properties.field_value)).toEqual([{ anyOf: expect.any(Array) }, { anyOf: expect.any(Array) }]);
    const { parse } = toolWith([{ kind: 'dropEnum', at: 'status', values: ['all'] }]);
    expect(parse({ ...VALID, status: 'all' }).issues).toEqual([expect.stringMatching(/^status: .*"open"\|"won"/)]);
    expect(parse({ ...VALID, status: 'won' }).data).toMatchObject({ status: 'won' });
    expect(toolWith([{ kind: 'addEnum', at: 'status', values: ['lost'] }]).parse({ ...VALID, status: 'lost' }).data).toMatchObject({ status: 'lost' });
    expect(correct(entry(), [erratum([{ kind: 'dropEnum', at: 'status', values: ['gone'] }])]).skipped[0]!.reason).toBe('status no longer offers gone');
    expect(correct(entry(), [erratum([{ kind: 'schema', at: 'nowhere.deep', schema: {} }])]).skipped[0]!.reason).toBe('nothing at nowhere.deep');
  });

  it('sets the Version header the documents forget, and leaves a declared one alone', () => {
    expect(correct(entry(), [erratum([{ kind: 'version', version: '2021-07-28' }])]).entry.version).toBe('2021-07-28');
    expect(correct(entry(ARGS, { version: '2021-04-15' }), [erratum([{ kind: 'version', version: '2021-07-28' }])]).skipped).toHaveLength(1);
  });
});

describe('errata interpreter: the call', () => {
  it('flattens a whole-body argument into body fields and still unwraps the old wrapper (its fields win)', () => {
    const whole = entry([{ name: 'body', in: 'body', schema: { type: 'object' } }], { body: { encoding: 'json', required: true, whole: 'body' } });
    const fields: ArgSpec[] = [
      { name: 'locationId', in: 'body', required: true, schema: { type: 'string' } },
      { name: 'query', in: 'body', schema: { type: 'string' } },
    ];
    const { tool, parse } = toolWith([{ kind: 'flattenBody', wrapper: 'body', args: fields }], whole);
    expect(tool.entry.body).toEqual({ encoding: 'json', required: true });
    expect(tool.entry.args.map((arg) => arg.name)).toEqual(['locationId', 'query']);
    expect([...tool.defaultedArgs({ locationId: 'loc1' })]).toEqual([['locationId', 'loc1']]);
    expect(parse({ locationId: 'loc1', query: 'x' }).data).toEqual({ locationId: 'loc1', query: 'x' });
    expect(parse({ locationId: 'configured', body: { locationId: 'given', query: 'x' } }).data).toEqual({ locationId: 'given', query: 'x' });
    expect(parse({ locationId: 'loc1', typo: 1 }).issues).toEqual([expect.stringMatching(/typo/)]);
  });

  it('fills neutral values for left-out arguments, completing a partly given object', () => {
    const { tool, parse } = toolWith([{ kind: 'fill', values: { limit: '20', details: { a: false, b: false } } }]);
    expect(tool.arg('details')).toMatchObject({ schema: { default: { a: false, b: false } } });
    expect(tool.arg('details')!.required).toBeUndefined();
    expect(parse({ type: 'SMS', contactId: 'c1', subType: {} }).data).toMatchObject({ limit: '20', details: { a: false, b: false } });
    expect(parse({ type: 'SMS', contactId: 'c1', subType: {}, limit: '5', details: { b: true } }).data).toMatchObject({ limit: '5', details: { a: false, b: true } });
  });

  it('checks exactly-one, at-least-one (when) and required-when, naming the field to fix', () => {
    const exactly = toolWith([{ kind: 'rule', rule: { exactlyOne: ['message', 'html'] } }]).parse;
    expect(exactly(VALID).issues).toEqual(['message: give exactly one of message, html; none was given']);
    expect(exactly({ ...VALID, message: 'a', html: 'b' }).issues).toEqual(['html: give only one of message, html; got message and html']);
    expect(exactly({ ...VALID, html: 'b' }).data).toBeDefined();
    const atLeast = toolWith([{ kind: 'rule', rule: { atLeastOne: ['html', 'message'], when: { arg: 'type', equals: 'Email' } } }]).parse;
    expect(atLeast({ ...VALID, type: 'Email' }).issues).toEqual(['html: give at least one of html, message when type is Email']);
    expect(atLeast({ ...VALID, type: 'Email', message: '' }).issues).toHaveLength(1);
    expect(atLeast(VALID).data).toBeDefined();
    const requiredWhen = toolWith([{ kind: 'rule', rule: { required: 'providerId', when: { arg: 'type', equals: 'Custom' } } }]).parse;
    expect(requiredWhen({ ...VALID, type: 'Custom' }).issues).toEqual(['providerId: required when type is Custom']);
    expect(requiredWhen({ ...VALID, type: 'Custom', providerId: 'p' }).data).toBeDefined();
    expect(errataNotes([erratum([{ kind: 'rule', rule: { exactlyOne: ['a', 'b'] } }])])).toEqual(['Give exactly one of a, b.']);
  });

  it('refuses a rule naming an argument the entry does not have', () => {
    expect(correct(entry(), [erratum([{ kind: 'rule', rule: { exactlyOne: ['message', 'gone'] } }])]).skipped[0]!.reason).toBe('no argument gone');
  });

  it('sends aliases under their canonical name, at the top level and in array items, and refuses two different values', () => {
    const top = toolWith([{ kind: 'alias', at: '', names: { text: 'message' } }]).parse;
    expect(top({ ...VALID, text: 'hi' }).data).toMatchObject({ message: 'hi' });
    expect(top({ ...VALID, text: 'hi' }).data).not.toHaveProperty('text');
    expect(top({ ...VALID, text: 'hi', message: 'hi' }).data).toMatchObject({ message: 'hi' });
    expect(top({ ...VALID, text: 'hi', message: 'bye' }).issues).toEqual(['text: text is another name for message and the two differ; give the value once, as message']);
    const items = toolWith([{ kind: 'alias', at: 'fields[]', names: { value: 'field_value', fieldValue: 'field_value' } }]).parse;
    expect(items({ ...VALID, fields: [{ id: 'a', value: 'x' }, { id: 'b', fieldValue: 'y' }, { id: 'c', field_value: 'z' }] }).data!.fields).toEqual([
      { id: 'a', field_value: 'x' },
      { id: 'b', field_value: 'y' },
      { id: 'c', field_value: 'z' },
    ]);
    expect(items({ ...VALID, fields: [{ id: 'a', value: 'x', field_value: 'y' }] }).issues).toEqual([expect.stringMatching(/^fields\.0\.value: /)]);
    expect(correct(entry(), [erratum([{ kind: 'alias', at: '', names: { contactId: 'message' } }])]).skipped[0]!.reason).toBe('contactId is an argument of its own');
  });

  it('copies a value when its target is left out and the condition holds', () => {
    const { parse } = toolWith([{ kind: 'copy', from: 'message', to: 'html', when: { arg: 'type', equals: 'Email' } }]);
    expect(parse({ ...VALID, type: 'Email', message: 'Hello' }).data).toMatchObject({ message: 'Hello', html: 'Hello' });
    expect(parse({ ...VALID, type: 'Email', message: 'Hello', html: '<p>Hi</p>' }).data).toMatchObject({ html: '<p>Hi</p>' });
    expect(parse({ ...VALID, message: 'Hello' }).data).not.toHaveProperty('html');
  });

  it('accepts numbers and booleans for a string field and sends them as strings', () => {
    const { tool, parse } = toolWith([{ kind: 'sendAsString', args: ['limit'] }]);
    expect(tool.arg('limit')!.schema).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] });
    expect(parse({ ...VALID, limit: 10 }).data).toMatchObject({ limit: '10' });
    expect(parse({ ...VALID, limit: true }).data).toMatchObject({ limit: 'true' });
    expect(parse({ ...VALID, limit: '7' }).data).toMatchObject({ limit: '7' });
  });

  it('derives a word count from HTML when it is left out', () => {
    const withCount = entry([...ARGS, { name: 'count', in: 'body', schema: { type: 'number' } }]);
    const { parse } = toolWith([{ kind: 'derive', arg: 'count', from: 'html', as: 'words' }], withCount);
    expect(parse({ ...VALID, html: '<h1>Big news</h1><p>We open&nbsp;on <b>Monday</b> — 9am.</p>' }).data).toMatchObject({ count: 7 });
    expect(parse({ ...VALID, html: '<p>a b</p>', count: 99 }).data).toMatchObject({ count: 99 });
    expect(wordsIn('')).toBe(0);
  });
});

describe('errata interpreter: what it changes is said', () => {
  /** The sentences errataChanges gives for a successful parse. */
  const changes = (patches: ErratumPatch[], args: Record<string, unknown>, base = entry()) => {
    const result = new CatalogTool('demo', base, { errata: [erratum(patches)] }).zod().safeParse(args);
    expect(result.success).toBe(true);
    return errataChanges(result.data);
  };

  it('names neutral fills (whole or inside a partly given object), and nothing when all was given', () => {
    const fill: ErratumPatch[] = [{ kind: 'fill', values: { limit: '20', details: { a: false, b: false } } }];
    expect(changes(fill, { type: 'SMS', contactId: 'c1', subType: {} })).toEqual(['filled with the neutral values GHL requires: limit "20", details {"a":false,"b":false}']);
    expect(changes(fill, { type: 'SMS', contactId: 'c1', subType: {}, details: { b: true } })).toEqual(['filled with the neutral values GHL requires: limit "20", details.a false']);
    expect(changes(fill, { ...VALID, limit: '5' })).toEqual([]);
  });

  it('names a copy, a number sent as text, a derived count and an alias', () => {
    expect(changes([{ kind: 'copy', from: 'message', to: 'html', when: { arg: 'type', equals: 'Email' } }], { ...VALID, type: 'Email', message: 'Hi' })).toEqual(['message sent as html too (type is Email)']);
    expect(changes([{ kind: 'sendAsString', args: ['limit'] }], { ...VALID, limit: 10 })).toEqual(['limit sent as the text "10"']);
    expect(changes([{ kind: 'sendAsString', args: ['limit'] }], { ...VALID, limit: '10' })).toEqual([]);
    const withCount = entry([...ARGS, { name: 'count', in: 'body', schema: { type: 'number' } }]);
    expect(changes([{ kind: 'derive', arg: 'count', from: 'html', as: 'words' }], { ...VALID, html: '<p>two words</p>' }, withCount)).toEqual(['count filled with 2 (the words of html)']);
    expect(changes([{ kind: 'alias', at: '', names: { text: 'message' } }], { ...VALID, text: 'hi' })).toEqual(['text sent as message']);
    const items = [{ kind: 'alias', at: 'fields[]', names: { value: 'field_value' } }] satisfies ErratumPatch[];
    expect(changes(items, { ...VALID, fields: [{ id: 'a', value: 'x' }, { id: 'b', value: 'y' }] })).toEqual(['fields[].value sent as fields[].field_value']);
  });

  it('says nothing of a call sent as given, nor of data it did not validate', () => {
    expect(changes([{ kind: 'copy', from: 'message', to: 'html', when: { arg: 'type', equals: 'Email' } }], { ...VALID, message: 'Hi' })).toEqual([]);
    expect(errataChanges({ ...VALID })).toEqual([]);
    expect(errataChanges(undefined)).toEqual([]);
    // One validator, several calls: a call is told only its own changes, even after a refused one.
    const validator = new CatalogTool('demo', entry(), { errata: [erratum([{ kind: 'alias', at: '', names: { text: 'message' } }])] }).zod();
    expect(errataChanges(validator.parse({ ...VALID, text: 'hi' }))).toEqual(['text sent as message']);
    expect(validator.safeParse({ text: 'hi' }).success).toBe(false);
    expect(errataChanges(validator.parse({ ...VALID, message: 'hi' }))).toEqual([]);
  });
});

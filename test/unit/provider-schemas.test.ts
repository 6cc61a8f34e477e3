import { describe, expect, it } from 'vitest';
import { Catalog, type ToolDefinition } from '../../src/catalog/catalog.js';
import type { JsonSchema } from '../../src/catalog/types.js';
import { discoveryDefinitions } from '../../src/discovery/definitions.js';
import { selfUpdateDefinitions } from '../../src/self-update/index.js';
import { ToolListing } from '../../src/toolsets/listing.js';
import { ToolSelection } from '../../src/toolsets/selection.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { argsFromListing, LISTED_LOCATION, validationProblems } from '../helpers/listed-args.js';
import { geminiProblems, openAiStrictProblems, providerProblems } from '../helpers/provider-rules.js';

/**
 * tools/list within what strict providers accept: OpenAI's strict function calling (as strict clients convert
 * an MCP schema) and Gemini's function declarations, checked by test/helpers/provider-rules.ts, in the default
 * mode and with each single module listed (one invalid tool makes such a provider refuse the whole request).
 */
const catalog = new Catalog(MODULES, OVERLAYS);
const extra = () => [...discoveryDefinitions(), ...selfUpdateDefinitions()];
const CONFIGURATIONS = [{}, { locationId: LISTED_LOCATION }];

function listing(toolsets: string[], defaults: { locationId?: string }): ToolDefinition[] {
  return new ToolListing(defaults, extra).list(ToolSelection.create(catalog, { toolsets }));
}

function refusals(definitions: ToolDefinition[]): string[] {
  return definitions.flatMap((definition) => {
    const { openai, gemini } = providerProblems(definition.inputSchema);
    return [...openai.map((problem) => `${definition.name} (OpenAI) ${problem}`), ...gemini.map((problem) => `${definition.name} (Gemini) ${problem}`)];
  });
}

describe('tools/list for strict providers', () => {
  it('is accepted whole in the default mode, the discovery tools included, with and without a configured location', () => {
    for (const defaults of CONFIGURATIONS) {
      const definitions = listing(['default'], defaults);
      expect(definitions.map((definition) => definition.name)).toContain('ghl_call_tool');
      expect(refusals(definitions)).toEqual([]);
    }
  });

  it('is accepted whole with each single module', () => {
    for (const defaults of CONFIGURATIONS) {
      for (const module of catalog.modules) expect(refusals(listing([module], defaults)), module).toEqual([]);
    }
  });

  it('lists a free-form object as {key, value} pairs and names every object field', () => {
    const create = listing(['agent_studio'], {}).find((definition) => definition.name === 'agent_studio_execute_agent')!;
    const variables = (create.inputSchema.properties as Record<string, JsonSchema>).inputVariables!;
    expect(variables).toMatchObject({
      type: 'array',
      items: { type: 'object', properties: { key: { type: 'string' }, value: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } }, required: ['key', 'value'] },
    });
    const contact = listing(['contacts'], {}).find((definition) => definition.name === 'contacts_create_contact')!;
    const dnd = (contact.inputSchema.properties as Record<string, JsonSchema>).dndSettings!;
    expect(Object.keys(dnd.properties as object)).toEqual(['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB']);
  });
});

/** A strict client's call: every listed field present, null for those the model leaves out (at every depth). */
function strictArgs(schema: JsonSchema, written: unknown): unknown {
  const shape = Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[])[0]! : schema;
  if (Array.isArray(written)) return shape.items ? written.map((item) => strictArgs(shape.items as JsonSchema, item)) : written;
  if (typeof written !== 'object' || written === null || !shape.properties) return written;
  const given = written as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(shape.properties as Record<string, JsonSchema>).map(([name, field]) => [name, name in given ? strictArgs(field, given[name]) : null]),
  );
}

describe('calls written by a strict client', () => {
  it('pass our validation for every tool: nulls read as left out, maps sent as pairs', async () => {
    const found: string[] = [];
    for (const defaults of CONFIGURATIONS) {
      for (const tool of catalog.tools()) {
        const definition = tool.definition(defaults, 'rich');
        const written = strictArgs(definition.inputSchema, argsFromListing(definition)) as Record<string, unknown>;
        const problems = await validationProblems(tool, written, defaults);
        if (problems.length > 0) found.push(`${tool.name} ${JSON.stringify(written)} → ${problems.join('; ')}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('the provider rule check', () => {
  const root = (properties: Record<string, JsonSchema>, required?: string[]) => ({ type: 'object', properties, ...(required ? { required } : {}) });

  it('accepts a schema in the subset, optional fields and nested objects included', () => {
    const schema = root({ name: { type: 'string', description: 'x' }, when: { type: 'string', format: 'date-time' }, tags: { type: 'array', items: { type: 'string' } }, address: root({ city: { type: 'string' } }) }, ['name']);
    expect(providerProblems(schema)).toEqual({ openai: [], gemini: [] });
  });

  it('refuses what strict providers refuse, naming the place', () => {
    expect(openAiStrictProblems(root({ meta: { type: 'object' } }))).toEqual(expect.arrayContaining(['meta: object without properties', 'meta: object not closed (additionalProperties)']));
    expect(geminiProblems(root({ meta: { type: 'object' } }))).toEqual(['meta: object without properties']);
    expect(openAiStrictProblems(root({ ids: { type: 'array' } }))).toEqual(['ids: array without items']);
    expect(geminiProblems(root({ ids: { type: 'array' } }))).toEqual(['ids: array without items']);
    expect(openAiStrictProblems(root({ body: { type: 'string', maxLength: 10 } }))).toEqual(['body: maxLength is not allowed on a string']);
    expect(openAiStrictProblems(root({ site: { type: 'string', format: 'uri' } }))).toEqual(['site: format uri']);
    expect(geminiProblems(root({ day: { type: 'string', format: 'date' } }))).toEqual(['day: format date']);
    expect(geminiProblems(root({ level: { type: 'number', enum: [0, 1] } }))).toEqual(['level: enum of number values']);
    expect(geminiProblems(root({ file: { type: 'string', contentEncoding: 'base64' } }))).toEqual(['file: unknown field contentEncoding']);
    expect(geminiProblems(root({ name: { type: ['string', 'null'] } }))).toEqual(['name: type ["string","null"]']);
    expect(openAiStrictProblems(root({ map: { type: 'object', additionalProperties: { type: 'string' } } }))).toContain('map: additionalProperties allows keys strict mode cannot list');
    expect(openAiStrictProblems(root({ any: {} }))).toEqual(['any: no type']);
    expect(openAiStrictProblems(root({ pick: { anyOf: [{ type: 'string' }, { type: 'object' }] } }))).toContain('pick|1: object without properties');
    expect(openAiStrictProblems({ anyOf: [root({})] })).toContain('(root): must be an object, not a union');
  });

  it('applies the strict conversion before judging: an optional field becomes nullable and required', () => {
    // A type a strict client cannot make nullable stays a problem: here `type` names two kinds.
    expect(openAiStrictProblems(root({ either: { type: ['string', 'number'] } }))).toEqual(['either: type ["string","number","null"]']);
    expect(openAiStrictProblems(root({ name: { type: 'string' } }))).toEqual([]);
  });

  it('counts the size limits of a strict schema', () => {
    const many = Object.fromEntries(Array.from({ length: 5_001 }, (_, index) => [`f${index}`, { type: 'string' }]));
    expect(openAiStrictProblems(root(many))).toEqual(['(root): 5001 properties (limit 5000)']);
    let deep: JsonSchema = { type: 'string' };
    for (let level = 0; level < 11; level += 1) deep = root({ inner: deep });
    expect(openAiStrictProblems(deep)).toEqual(['(root): 11 levels of objects (limit 10)']);
  });
});

import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import type { Executor } from '../../src/executor.js';
import { ResourceCache } from '../../src/resources/cache.js';
import { fitText } from '../../src/resources/project.js';
import { TenantResources } from '../../src/resources/reader.js';
import { InvalidResourceUri, ResourceRegistry } from '../../src/resources/registry.js';
import type { FetchSpec, TokenScope } from '../../src/resources/types.js';
import { RESOURCES, VARIABLE_SOURCES } from '../../resources/index.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const catalog = new Catalog(MODULES, OVERLAYS);
const registry = new ResourceRegistry(RESOURCES, VARIABLE_SOURCES);
const VARS = { locationId: 'loc-1', pipelineId: 'pipe-1', calendarId: 'cal-1', objectKey: 'custom_objects.pet' };
const SCOPES: TokenScope[] = [
  { kind: 'agency', companyId: 'co-1', appId: 'app-1' },
  { kind: 'agency', companyId: 'co-1', locationId: 'loc-1' },
  { kind: 'location', locationId: 'loc-1' },
  { kind: 'location', locationId: 'loc-1', companyId: 'co-1' },
];

/** Every catalog read a definition can make, fallbacks included. */
function readsOf(spec: FetchSpec): FetchSpec[] {
  return [spec, ...(spec.fallback ? readsOf(spec.fallback.fetch) : [])];
}

describe('resource definitions against the catalog', () => {
  it('read through existing, read-only catalog tools with arguments their schemas accept', () => {
    for (const definition of RESOURCES) {
      for (const scope of SCOPES) {
        const fetched = definition.fetch(VARS, scope);
        // A view of the server's own (a fixed one, or the event log's) reads nothing from GHL.
        if (fetched instanceof Promise || 'answer' in fetched) continue;
        for (const spec of readsOf(fetched)) {
          const tool = catalog.get(spec.tool);
          expect(tool, `${definition.name} reads ${spec.tool}`).toBeDefined();
          expect(tool!.readOnly, spec.tool).toBe(true);
          const args = { ...Object.fromEntries(tool!.constants()), ...spec.args };
          expect(tool!.zod().safeParse(args).success, `${spec.tool} ${JSON.stringify(spec.args)}`).toBe(true);
        }
      }
    }
  });

  it('name writes that exist: every invalidation pattern matches a catalog tool that writes', () => {
    const writes = catalog.tools().filter((tool) => !tool.readOnly).map((tool) => tool.name);
    for (const pattern of registry.patterns()) {
      const regex = new RegExp(`^${pattern.replace(/\*/g, '.*')}$`);
      expect(writes.some((name) => regex.test(name)), pattern).toBe(true);
    }
  });

  it('say which resources a successful write changes', () => {
    const changed = (tool: string, args: Record<string, unknown> = {}) => registry.changedBy(catalog.get(tool)!, args).map((definition) => definition.name);
    expect(changed('locations_create_tag')).toEqual(['tags']);
    expect(changed('contacts_add_tags', { contactId: 'c', tags: ['vip'] })).toEqual(['tags']);
    expect(changed('contacts_update_contact', { contactId: 'c', firstName: 'A' })).toEqual([]);
    expect(changed('calendars_update_calendar')).toEqual(['calendars', 'calendar']);
    expect(changed('locations_update_custom_field')).toEqual(['custom-fields']);
    expect(changed('custom_fields_create_custom_field')).toEqual(['object-custom-fields']);
    expect(changed('locations_put_location')).toEqual(['locations', 'location']);
    // Reads never invalidate, even with a watched argument.
    expect(changed('locations_get_location_tags', { tags: ['x'] })).toEqual([]);
    expect(registry.changesList(catalog.get('calendars_create_calendar')!)).toBe(true);
    expect(registry.changesList(catalog.get('calendars_update_calendar')!)).toBe(false);
  });

  it('project sparse GHL answers without failing, and say when an item is absent', () => {
    for (const definition of RESOURCES) {
      const fetched = definition.fetch(VARS, SCOPES[2]!);
      if (fetched instanceof Promise || 'answer' in fetched) continue;
      const view = definition.project({}, VARS, fetched);
      if (view === undefined) expect(['location', 'pipeline', 'calendar']).toContain(definition.name);
      else expect(() => JSON.stringify(view)).not.toThrow();
    }
  });

  it('match URIs to templates, decoding IDs and refusing ones that would change the request path', () => {
    expect(registry.match('ghl://locations/a%20b/pipelines/p1')).toMatchObject({ definition: { name: 'pipeline' }, vars: { locationId: 'a b', pipelineId: 'p1' } });
    expect(registry.match('ghl://locations/loc/custom-fields/custom_objects.pet')?.vars.objectKey).toBe('custom_objects.pet');
    expect(registry.match('ghl://locations/loc/contacts')).toBeUndefined();
    expect(() => registry.match('ghl://locations/..%2F..%2Fusers')).toThrow(InvalidResourceUri);
    expect(() => registry.match('ghl://locations/%E0%A4%A')).toThrow(InvalidResourceUri);
    // "." is a dot segment: ghl://locations/./tags would read /locations/tags.
    for (const id of ['.', '%2e', '%2E%2e']) expect(() => registry.match(`ghl://locations/${id}/tags`), id).toThrow(/only dots/);
    expect(registry.uri(registry.get('tags')!, { locationId: 'a/b' })).toBe('ghl://locations/a%2Fb/tags');
  });
});

describe('resource text and cache', () => {
  it('cuts the largest list of a view to fit, counting what it left out', () => {
    const view = { locationId: 'loc', tags: Array.from({ length: 500 }, (_, index) => ({ id: `t${index}`, name: `tag ${index}` })), total: 500 };
    const text = fitText(view, 4000);
    expect(text.length).toBeLessThanOrEqual(4000);
    const cut = JSON.parse(text);
    expect(cut.tags.length + cut.omitted).toBe(500);
    expect(cut.tags[0]).toEqual({ id: 't0', name: 'tag 0' });
    expect(fitText({ a: 1 }, 100)).toBe('{"a":1}');
  });

  it('makes one request for concurrent reads, reuses it until the TTL, and keeps tenants apart', async () => {
    let now = 0;
    const cache = new ResourceCache(1000, () => now);
    let loads = 0;
    const load = async () => ({ body: { n: (loads += 1) }, text: String(loads), fetched: { tool: 't', args: {} } });
    const reader = { name: 'tags', locationId: 'loc-1' };
    const [a, b] = await Promise.all([cache.get('one', 'k', reader, load), cache.get('one', 'k', reader, load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    expect((await cache.get('two', 'k', reader, load)).body.n).toBe(2);
    now = 999;
    expect((await cache.get('one', 'k', reader, load)).body.n).toBe(1);
    now = 1000;
    expect((await cache.get('one', 'k', reader, load)).body.n).toBe(3);
  });

  it('drops what a write invalidates: by the resources that read it and the location', async () => {
    const cache = new ResourceCache(60_000);
    const answer = (n: number) => async () => ({ body: { n }, text: String(n), fetched: { tool: 't', args: {} } });
    await cache.get('one', 'tags-1', { name: 'tags', locationId: 'loc-1' }, answer(1));
    await cache.get('one', 'tags-2', { name: 'tags', locationId: 'loc-2' }, answer(2));
    await cache.get('one', 'users-1', { name: 'users', locationId: 'loc-1' }, answer(3));
    await cache.get('two', 'tags-1', { name: 'tags', locationId: 'loc-1' }, answer(4));
    expect(cache.invalidate('one', new Set(['tags']), 'loc-1')).toBe(1);
    expect(cache.peek('one', 'tags-1')).toBeUndefined();
    expect(cache.peek('one', 'tags-2')).toBeDefined();
    expect(cache.peek('two', 'tags-1')).toBeDefined();
    expect(cache.invalidate('one', new Set(['tags', 'users']))).toBe(2);
  });
});

describe('resource text', () => {
  it('never carries a token GHL echoed, verbatim or JSON-escaped', async () => {
    const token = 'pit-location-secret-7777';
    const answer = JSON.stringify({ location: { id: 'loc-1', name: `Echo ${token}`, email: 'x' } }).replace('x', token.replace(/-/g, '\\u002d'));
    const executor = { fetch: async () => ({ response: { status: 200, headers: {}, text: answer } }) } as unknown as Executor;
    const options = { executor, tenantKey: 'tenant', catalog, scope: async (): Promise<TokenScope> => ({ kind: 'location', locationId: 'loc-1' }), maxChars: 10_000, secrets: () => [token] };
    const reader = new TenantResources(options, 'tenant', registry, new ResourceCache(0));
    const text = await reader.read('ghl://locations/loc-1');
    expect(JSON.parse(text)).toMatchObject({ id: 'loc-1', name: 'Echo [redacted]', email: '[redacted]' });
    expect(text).not.toContain('secret');
  });
});

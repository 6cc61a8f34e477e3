import { afterEach, describe, expect, it, vi } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import type { EventEnvelope } from '../../src/events/envelope.js';
import { provenScope } from '../../src/events/access.js';
import { EventFeed } from '../../src/events/feed.js';
import type { Executor } from '../../src/executor.js';
import { MemoryEventLog } from '../../src/events/log.js';
import { changeOf } from '../../src/events/reactions.js';
import { eventsResource } from '../../src/events/resource.js';
import { EVENT_TOOL_NAMES, eventToolDefinitions, listedEventTools, RECENT_TOOL, WAIT_TOOL } from '../../src/events/tool-definitions.js';
import { EventTools } from '../../src/events/tools.js';
import { ResourceCache } from '../../src/resources/cache.js';
import { TenantResources } from '../../src/resources/reader.js';
import { InvalidResourceUri, ResourceRegistry } from '../../src/resources/registry.js';
import type { TokenScope } from '../../src/resources/types.js';
import { ToolSelection } from '../../src/toolsets/selection.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { providerProblems } from '../helpers/provider-rules.js';

function event(id: string, fields: Partial<EventEnvelope> = {}): EventEnvelope {
  const at = new Date().toISOString();
  return { id, type: 'InboundMessage', locationId: 'loc1', time: at, receivedAt: at, ids: { contactId: 'c1' }, payload: { body: `text ${id}` }, ...fields };
}

const locationScope: TokenScope = { kind: 'location', locationId: 'loc1' };
const setup = () => {
  const log = new MemoryEventLog({ maxEvents: 100, maxAgeMs: 60_000, maxLocations: 10 });
  const feed = new EventFeed(log);
  const tools = new EventTools(feed, { defaultLocationId: 'loc1', scope: async () => locationScope }, 20_000);
  return { log, feed, tools };
};
const context = (signal = new AbortController().signal) => ({ signal });
const text = (result: { content: { text: string }[] }) => result.content.map((block) => block.text).join('\n');
const jsonOf = (result: { content: { text: string }[] }) => JSON.parse(text(result).split('\n')[1]!);

describe('the event tools', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('say how to turn webhooks on when the server receives none, after checking the arguments', async () => {
    const tools = new EventTools(undefined, { defaultLocationId: 'loc1', scope: async () => locationScope }, 20_000);
    const off = await tools.call(WAIT_TOOL, {}, context());
    expect(off.isError).toBe(true);
    expect(text(off)).toMatch(/receives no GHL events[\s\S]*--webhooks[\s\S]*--webhook-port/);
    const invalid = await tools.call(RECENT_TOOL, { limit: 500 }, context());
    expect(text(invalid)).toMatch(/^Error: the call was not made: limit: /);
  });

  it('refuse bad arguments naming the field, before reading anything', async () => {
    const { tools } = setup();
    expect(text(await tools.call(WAIT_TOOL, { after: 'yesterday' }, context()))).toMatch(/after: a cursor this server gave/);
    expect(text(await tools.call(WAIT_TOOL, { timeoutSeconds: 101 }, context()))).toMatch(/timeoutSeconds: /);
    expect(text(await tools.call(WAIT_TOOL, { contactld: 'typo' }, context()))).toMatch(/Unrecognized key.*contactld/);
  });

  it('name the arguments they take when given an unknown one, and that there is no time filter', async () => {
    const { tools } = setup();
    const result = await tools.call(RECENT_TOOL, { since: '1h' }, context());
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Unrecognized key.*since[\s\S]*takes locationId, types, .*after, limit[\s\S]*no time filter/);
  });

  it('list the GHL event type names an agent can filter on, and the unit of the wait', () => {
    const byName = new Map(eventToolDefinitions().map((definition) => [definition.name, definition]));
    const properties = (name: string) => byName.get(name)!.inputSchema.properties as Record<string, { description?: string }>;
    for (const type of ['InboundMessage', 'AppointmentCreate', 'InvoicePaid', 'OpportunityStageUpdate']) expect(properties(RECENT_TOOL).types!.description).toContain(type);
    expect(properties(WAIT_TOOL).timeoutSeconds!.description).toMatch(/^Seconds/);
    expect(properties(WAIT_TOOL).invoiceId!.description).toMatch(/not its number/);
  });

  it('wait: a timeout with types repeats the type names given and that they are exact', async () => {
    const { tools } = setup();
    const typed = await tools.call(WAIT_TOOL, { types: ['InboundSMS'], timeoutSeconds: 1 }, context());
    expect(text(typed)).toMatch(/Type names are exact \(e\.g\. InboundMessage[^)]*\); you gave InboundSMS\.\n\{/);
    expect(jsonOf(typed).event).toBeNull();
    const untyped = await tools.call(WAIT_TOOL, { timeoutSeconds: 1 }, context());
    expect(text(untyped)).not.toMatch(/Type names/);
  });

  it('serve the credentials\' own location only, and none when no location or company is configured', async () => {
    const { feed, tools } = setup();
    const other = await tools.call(RECENT_TOOL, { locationId: 'loc2' }, context());
    expect(text(other)).toMatch(/locationId: loc2 is not the location these credentials are for \(loc1\)/);
    const unknown = new EventTools(feed, { scope: async () => ({ kind: 'unknown' }) }, 20_000);
    expect(text(await unknown.call(RECENT_TOOL, { locationId: 'loc1' }, context()))).toMatch(/no location or company is configured/);
    const agency = new EventTools(feed, { scope: async () => ({ kind: 'agency', companyId: 'co1' }) }, 20_000);
    expect(text(await agency.call(RECENT_TOOL, {}, context()))).toMatch(/locationId: required/);
    expect((await agency.call(RECENT_TOOL, { locationId: 'loc2' }, context())).isError).toBeUndefined();
  });

  it('wait: the matching event with the cursor for the next wait, and progress while waiting', async () => {
    const { log, feed, tools } = setup();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const progress = vi.fn(async () => {});
    const waited = tools.call(WAIT_TOOL, { types: ['InboundMessage'], contactId: 'c1' }, { signal: new AbortController().signal, progress });
    while (feed.waiting === 0) await new Promise(setImmediate);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(progress).toHaveBeenCalledWith(5, 30, 'waiting for a matching event (5 of 30 s)');
    await log.append(event('other', { ids: { contactId: 'c2' } }));
    const stored = await log.append(event('sms'));
    const result = await waited;
    expect(text(result)).toMatch(new RegExp(`^OK: InboundMessage event sms for location loc1 \\(contactId c1\\), at .*after=${stored.cursor}\\.`));
    expect(jsonOf(result)).toMatchObject({ event: { id: 'sms', cursor: stored.cursor, payload: { body: 'text sms' } }, next: stored.cursor });
  });

  it('wait: a timeout says how to call again without missing anything', async () => {
    const { log, feed, tools } = setup();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const waited = tools.call(WAIT_TOOL, { types: ['AppointmentCreate'], timeoutSeconds: 10 }, context());
    while (feed.waiting === 0) await new Promise(setImmediate);
    await vi.advanceTimersByTimeAsync(10_000);
    const result = await waited;
    expect(result.isError).toBeUndefined();
    const { next } = jsonOf(result);
    expect(text(result)).toContain(`Nothing matching arrived in 10 s; call ${WAIT_TOOL} again with after=${next}`);
    vi.useRealTimers();
    await log.append(event('booked', { type: 'AppointmentCreate' }));
    expect(jsonOf(await tools.call(WAIT_TOOL, { types: ['AppointmentCreate'], after: next }, context())).event.id).toBe('booked');
  });

  it('wait: never longer than the transport lets a request last', async () => {
    const { feed } = setup();
    const tools = new EventTools(feed, { defaultLocationId: 'loc1', scope: async () => locationScope }, 20_000, 3_500);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const waited = tools.call(WAIT_TOOL, { timeoutSeconds: 60 }, context());
    while (feed.waiting === 0) await new Promise(setImmediate);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(text(await waited)).toMatch(/^Nothing matching arrived in 3 s; call ghl_wait_for_event again with after=/);
  });

  it('wait: a cancelled call answers at once', async () => {
    const { feed, tools } = setup();
    const controller = new AbortController();
    const waited = tools.call(WAIT_TOOL, {}, context(controller.signal));
    while (feed.waiting === 0) await new Promise(setImmediate);
    controller.abort();
    expect(text(await waited)).toMatch(/^Cancelled after 0 s/);
  });

  it('recent: pages with a cursor, and a result that never passes the size limit', async () => {
    const { log, tools } = setup();
    for (const id of ['a', 'b', 'c']) await log.append(event(id));
    const first = await tools.call(RECENT_TOOL, { limit: 2 }, context());
    expect(text(first)).toMatch(/^OK: the 2 events most recent for location loc1 \(older ones left out\), oldest first\./);
    const page = jsonOf(first);
    expect(page.events.map((item: { id: string }) => item.id)).toEqual(['b', 'c']);
    await log.append(event('d', { payload: { body: 'x'.repeat(30_000) } }));
    await log.append(event('e'));
    const later = await tools.call(RECENT_TOOL, { after: page.next }, context());
    const caught = jsonOf(later);
    expect(text(later).length).toBeLessThan(20_500);
    expect(caught.events.map((item: { id: string }) => item.id)).toEqual(['d']);
    expect(caught.events[0].payload.cut).toMatch(/over the result limit/);
    expect(caught.more).toBe(true);
    expect(jsonOf(await tools.call(RECENT_TOOL, { after: caught.next }, context())).events.map((item: { id: string }) => item.id)).toEqual(['e']);
  });
});

describe('credentials the server does not hold (a tenant\'s token, a signed-in user\'s grant)', () => {
  it('read a location\'s events only once GHL has read that location with them, asked once per location', async () => {
    const { feed } = setup();
    const asked: string[] = [];
    const executor = {
      fetch: async (_tool: unknown, args: { locationId: string }) => {
        asked.push(args.locationId);
        return args.locationId === 'loc1' ? { response: { status: 200, text: '{}' } } : { result: { content: [{ type: 'text', text: 'Error: GHL answered 401' }], isError: true } };
      },
    } as unknown as Executor;
    const scope = provenScope(async () => ({ kind: 'agency', companyId: 'co1' }), new Catalog(MODULES, OVERLAYS), executor);
    const tools = new EventTools(feed, { scope }, 20_000);
    expect((await tools.call(RECENT_TOOL, { locationId: 'loc1' }, context())).isError).toBeUndefined();
    expect((await tools.call(RECENT_TOOL, { locationId: 'loc1' }, context())).isError).toBeUndefined();
    expect(text(await tools.call(RECENT_TOOL, { locationId: 'claimed' }, context()))).toMatch(/these credentials could not read location claimed in GHL/);
    await expect(eventsResource(feed).fetch({ locationId: 'claimed' }, await scope())).rejects.toThrow(/could not read location claimed/);
    expect(asked).toEqual(['loc1', 'claimed', 'claimed']);
  });
});

describe('the event tools in listings', () => {
  const catalog = new Catalog(MODULES, OVERLAYS);
  const names = (toolsets: string[], tools?: string[]) =>
    listedEventTools(ToolSelection.create(catalog, { toolsets, tools }, EVENT_TOOL_NAMES)).map((definition) => definition.name);

  it('are listed with the events toolset or all, or one by one by name, never by default', () => {
    expect(names(['default'])).toEqual([]);
    expect(names(['discovery'])).toEqual([]);
    expect(names(['default', 'events'])).toEqual([WAIT_TOOL, RECENT_TOOL]);
    expect(names(['all'])).toEqual([WAIT_TOOL, RECENT_TOOL]);
    expect(names(['contacts'], [RECENT_TOOL])).toEqual([RECENT_TOOL]);
  });

  it('have schemas strict providers accept (OpenAI strict, Gemini)', () => {
    for (const definition of eventToolDefinitions()) expect(providerProblems(definition.inputSchema), definition.name).toEqual({ openai: [], gemini: [] });
  });
});

describe('the events resource', () => {
  const setupResource = async () => {
    const { log, feed } = setup();
    await log.append(event('a'));
    await log.append(event('b', { type: 'AppointmentCreate', ids: { contactId: 'c2' } }));
    await log.append(event('c', { ids: { contactId: 'c2' } }));
    const definition = eventsResource(feed);
    return { definition, registry: new ResourceRegistry([definition], {}) };
  };
  const read = async (definition: ReturnType<typeof eventsResource>, registry: ResourceRegistry, uri: string, scope: TokenScope = locationScope) => {
    const matched = registry.match(uri)!;
    const spec = await definition.fetch(matched.vars, scope);
    return (spec as { answer: { events: { id: string }[]; next: string } }).answer;
  };

  it('reads the newest first, filtered by the query (types comma-separated, contact, limit)', async () => {
    const { definition, registry } = await setupResource();
    const all = await read(definition, registry, 'ghl://locations/loc1/events');
    expect(all.events.map((item) => item.id)).toEqual(['c', 'b', 'a']);
    expect(all.next).toMatch(/^\d{16}$/);
    expect((await read(definition, registry, 'ghl://locations/loc1/events?contactId=c2&type=InboundMessage')).events.map((item) => item.id)).toEqual(['c']);
    expect((await read(definition, registry, 'ghl://locations/loc1/events?type=AppointmentCreate,InboundMessage&limit=2')).events.map((item) => item.id)).toEqual(['c', 'b']);
    await expect(read(definition, registry, 'ghl://locations/loc1/events?limit=0')).rejects.toThrow(/limit must be a whole number from 1 to 100/);
    await expect(read(definition, registry, 'ghl://locations/loc2/events')).rejects.toThrow(/loc2 is not the location these credentials are for/);
  });

  it('is read fresh through a session\'s reader and never polled (no cache key, no read to find one)', async () => {
    const { log, feed } = setup();
    await log.append(event('a'));
    const definition = eventsResource(feed);
    const reads = vi.spyOn(log, 'recent');
    const options = { executor: {} as Executor, catalog: new Catalog(MODULES, OVERLAYS), tenantKey: 't', scope: async () => locationScope, maxChars: 20_000, secrets: () => [] };
    const reader = new TenantResources(options, 't', new ResourceRegistry([definition], {}), new ResourceCache(60_000));
    expect(JSON.parse(await reader.read('ghl://locations/loc1/events')).events.map((item: { id: string }) => item.id)).toEqual(['a']);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(await reader.keyOf('ghl://locations/loc1/events?type=InboundMessage')).toBeUndefined();
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('matches URIs with optional query variables in any order, and refuses unknown or repeated ones', async () => {
    const { definition, registry } = await setupResource();
    expect(registry.match('ghl://locations/loc1/events')?.vars).toEqual({ locationId: 'loc1' });
    expect(registry.match('ghl://locations/loc1/events?contactId=c%201&type=A,B')?.vars).toEqual({ locationId: 'loc1', contactId: 'c 1', type: 'A,B' });
    expect(() => registry.match('ghl://locations/loc1/events?contact=c1')).toThrow(InvalidResourceUri);
    expect(() => registry.match('ghl://locations/loc1/events?type=A&type=B')).toThrow(/"type" is given twice/);
    expect(registry.uri(definition, { locationId: 'loc1' })).toBe('ghl://locations/loc1/events');
    expect(registry.uri(definition, { locationId: 'loc1', type: 'InboundMessage' })).toBe('ghl://locations/loc1/events?type=InboundMessage');
    expect(registry.variables(definition)).toEqual(['locationId']);
  });
});

describe('what an event changes', () => {
  it('announces the location\'s events resource with the event\'s type and contact, and drops the cached resources it affects', () => {
    expect(changeOf(event('m'))).toEqual({ locationId: 'loc1', resources: ['events'], query: { type: 'InboundMessage', contactId: 'c1' } });
    expect(changeOf(event('t', { type: 'ContactTagUpdate', payload: { tags: ['vip'] } }))?.resources).toEqual(['events', 'tags']);
    expect(changeOf(event('u', { type: 'ContactUpdate', payload: { tags: ['vip'] } }))?.resources).toEqual(['events', 'tags']);
    expect(changeOf(event('n', { type: 'ContactUpdate', payload: { tags: [] } }))?.resources).toEqual(['events']);
    expect(changeOf(event('l', { type: 'LocationUpdate' }))?.resources).toEqual(['events', 'locations', 'location']);
    expect(changeOf(event('i', { type: 'INSTALL' }))).toMatchObject({ resources: ['events', 'locations'], listChanged: true });
    expect(changeOf(event('user', { type: 'UserCreate', ids: {} }))).toMatchObject({ resources: ['events', 'users'], query: { type: 'UserCreate', contactId: '' } });
    expect(changeOf(event('a', { type: 'AppointmentCreate' }))?.resources).toEqual(['events']);
  });

  it('without a location: only what the agency sees changes, or nothing', () => {
    expect(changeOf(event('agency', { type: 'INSTALL', locationId: undefined }))).toEqual({ resources: ['locations'], listChanged: true });
    expect(changeOf(event('plan', { type: 'PlanChange', locationId: undefined }))).toBeUndefined();
  });
});

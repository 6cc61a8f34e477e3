import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';

type Json = any;

const TOKEN = 'sandbox-resources-token-0001';

/** The built server over stdio against an in-process sandbox, so the test sees every request GHL would get. */
async function connect(sandbox: Sandbox, env: Record<string, string> = {}, args: string[] = []): Promise<StdioSession> {
  return connectStdio(
    { GHL_API_KEY: sandbox.token, GHL_BASE_URL: sandbox.baseUrl, GHL_LOCATION_ID: sandbox.locationId, GHL_COMPANY_ID: sandbox.companyId, ...env },
    args,
  );
}

async function read(session: StdioSession, uri: string): Promise<Json> {
  const { contents } = await session.client.readResource({ uri });
  expect(contents).toHaveLength(1);
  expect(contents[0]!.uri).toBe(uri);
  expect(contents[0]!.mimeType).toBe('application/json');
  return JSON.parse((contents[0] as { text: string }).text);
}

async function readError(session: StdioSession, uri: string): Promise<{ code: number; message: string; data: Json }> {
  const error = await session.client.readResource({ uri }).then(
    () => undefined,
    (caught: { code: number; message: string; data: Json }) => caught,
  );
  if (!error) throw new Error(`${uri} was expected to fail`);
  return error;
}

describe('MCP resources against the sandbox (stdio)', () => {
  let sandbox: Sandbox;
  let session: StdioSession;
  let base: string;
  const requestsTo = (path: string) => sandbox.fake.requests.filter((request) => request.path === path).length;

  beforeAll(async () => {
    sandbox = await startSandbox({ token: TOKEN });
    session = await connect(sandbox);
    base = `ghl://locations/${sandbox.locationId}`;
  });

  afterAll(async () => {
    await session?.close();
    await sandbox?.close();
  });

  it('declares resources (subscribe, listChanged) and completions', () => {
    expect(session.client.getServerCapabilities()).toMatchObject({ resources: { subscribe: true, listChanged: true }, completions: {} });
  });

  it('lists a template for locations, pipelines, calendars, users, custom fields, objects, tags and custom values', async () => {
    const { resourceTemplates } = await session.client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
      'ghl://locations',
      'ghl://locations/{locationId}',
      'ghl://locations/{locationId}/pipelines',
      'ghl://locations/{locationId}/pipelines/{pipelineId}',
      'ghl://locations/{locationId}/calendars',
      'ghl://locations/{locationId}/calendars/{calendarId}',
      'ghl://locations/{locationId}/users',
      'ghl://locations/{locationId}/custom-fields',
      'ghl://locations/{locationId}/objects',
      'ghl://locations/{locationId}/custom-fields/{objectKey}',
      'ghl://locations/{locationId}/tags',
      'ghl://locations/{locationId}/custom-values',
    ]);
    for (const template of resourceTemplates) {
      expect(template.mimeType).toBe('application/json');
      expect(template.description!.length).toBeGreaterThan(20);
    }
  });

  it('lists the location, its lookups, and each pipeline and calendar of the configured location', async () => {
    const { resources } = await session.client.listResources();
    const uris = resources.map((resource) => resource.uri);
    const pipelines = sandbox.store.collection('pipelines').all();
    const calendars = sandbox.store.collection('calendars').all();
    expect(uris).toEqual([
      'ghl://locations',
      base,
      ...['pipelines', 'calendars', 'users', 'custom-fields', 'objects', 'tags', 'custom-values'].map((name) => `${base}/${name}`),
      ...pipelines.map((pipeline) => `${base}/pipelines/${pipeline.id}`),
      ...calendars.map((calendar) => `${base}/calendars/${calendar.id}`),
    ]);
    expect(resources.find((resource) => resource.uri === `${base}/pipelines`)!.name).toBe('Pipelines of Bright Smile Dental (sandbox)');
    expect(resources.find((resource) => resource.uri.endsWith(pipelines[0]!.id))!.name).toBe(`Pipeline ${pipelines[0]!.name}`);
    expect(resources.every((resource) => resource.mimeType === 'application/json')).toBe(true);
  });

  it('reads the reachable locations and one location, IDs and names first', async () => {
    const { locations, total, source } = await read(session, 'ghl://locations');
    expect(locations).toEqual([{ id: sandbox.locationId, name: 'Bright Smile Dental (sandbox)', city: 'Austin', state: 'TX', country: 'US', timezone: 'America/Chicago' }]);
    expect(total).toBe(1);
    expect(source).toContain(`company ${sandbox.companyId}`);
    const location = await read(session, base);
    expect(Object.keys(location).slice(0, 3)).toEqual(['id', 'name', 'companyId']);
    expect(location).toMatchObject({ id: sandbox.locationId, companyId: sandbox.companyId, timezone: 'America/Chicago', address: { city: 'Austin' } });
    expect(location.settings.allowDuplicateContact).toBe(false);
    expect(location).not.toHaveProperty('social');
  });

  it('reads pipelines with their stages (IDs, names, order), and one pipeline', async () => {
    const stored = sandbox.store.collection('pipelines').all();
    const { pipelines } = await read(session, `${base}/pipelines`);
    expect(pipelines).toEqual(
      stored.map((pipeline) => ({
        id: pipeline.id,
        name: pipeline.name,
        stages: pipeline.stages.map((stage: Json, position: number) => ({ id: stage.id, name: stage.name, position })),
      })),
    );
    const one = await read(session, `${base}/pipelines/${stored[1]!.id}`);
    expect(one).toEqual({ locationId: sandbox.locationId, ...pipelines[1] });
  });

  it('reads calendars and one calendar with team members and open hours per weekday', async () => {
    const stored = sandbox.store.collection('calendars').all();
    const { calendars } = await read(session, `${base}/calendars`);
    expect(calendars.map((calendar: Json) => [calendar.id, calendar.name])).toEqual(stored.map((calendar) => [calendar.id, calendar.name]));
    expect(calendars[0]).toMatchObject({ slotDuration: '30 mins', teamMemberIds: [stored[0]!.teamMembers[0].userId] });
    const one = await read(session, `${base}/calendars/${stored[0]!.id}`);
    expect(one).toMatchObject({ id: stored[0]!.id, teamMembers: [{ userId: stored[0]!.teamMembers[0].userId, isPrimary: true }] });
    expect(one.openHours).toEqual([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: ['09:00-12:00', '13:00-17:00'] }]);
  });

  it('reads users, custom fields, tags and custom values without GHL noise', async () => {
    const { users } = await read(session, `${base}/users`);
    expect(users.map((user: Json) => user.id).sort()).toEqual(sandbox.store.collection('users').all().map((user) => user.id).sort());
    expect(users[0]).toEqual({ id: expect.any(String), name: 'Maya Patel', email: 'maya.patel@brightsmile.example', role: 'admin', type: 'account' });

    const { customFields } = await read(session, `${base}/custom-fields`);
    const insurance = customFields.find((field: Json) => field.name === 'Insurance Provider');
    expect(insurance).toMatchObject({ fieldKey: 'contact.insurance_provider', dataType: 'SINGLE_OPTIONS', model: 'contact' });
    expect(insurance.options).toContain('Delta Dental');
    expect(new Set(customFields.map((field: Json) => field.model))).toEqual(new Set(['contact', 'opportunity']));

    const { tags } = await read(session, `${base}/tags`);
    expect(tags.map((tag: Json) => tag.name)).toEqual(sandbox.store.collection('tags').all().map((tag) => tag.name));
    expect(Object.keys(tags[0])).toEqual(['id', 'name']);

    const { customValues } = await read(session, `${base}/custom-values`);
    expect(customValues[0]).toEqual({ id: expect.any(String), name: 'Office Phone', fieldKey: '{{ custom_values.office_phone }}', value: '(512) 555-0100' });
  });

  it('completes locationId, pipelineId and calendarId from what GHL lists, by ID prefix or name', async () => {
    const complete = (uri: string, name: string, value: string, context?: Record<string, string>) =>
      session.client.complete({ ref: { type: 'ref/resource', uri }, argument: { name, value }, ...(context && { context: { arguments: context } }) });
    const pipelines = sandbox.store.collection('pipelines').all();
    const calendars = sandbox.store.collection('calendars').all();

    const location = await complete('ghl://locations/{locationId}/tags', 'locationId', 'bright');
    expect(location.completion).toEqual({ values: [sandbox.locationId], total: 1, hasMore: false });

    const all = await complete('ghl://locations/{locationId}/pipelines/{pipelineId}', 'pipelineId', '', { locationId: sandbox.locationId });
    expect(all.completion.values).toEqual(pipelines.map((pipeline) => pipeline.id));
    const byName = await complete('ghl://locations/{locationId}/pipelines/{pipelineId}', 'pipelineId', 'invis');
    expect(byName.completion.values).toEqual([pipelines.find((pipeline) => pipeline.name === 'Invisalign')!.id]);
    const byPrefix = await complete('ghl://locations/{locationId}/calendars/{calendarId}', 'calendarId', calendars[2]!.id.slice(0, 6));
    expect(byPrefix.completion.values).toEqual([calendars[2]!.id]);

    const nothing = await complete('ghl://locations/{locationId}/calendars/{calendarId}', 'calendarId', 'no-such-calendar');
    expect(nothing.completion).toEqual({ values: [], total: 0, hasMore: false });
  });

  it('reuses a cached GHL answer: two resources on one read, and a second read, make one request', async () => {
    const before = requestsTo('/calendars/');
    const fresh = await connect(sandbox);
    try {
      const calendars = sandbox.store.collection('calendars').all();
      await read(fresh, `${base}/calendars/${calendars[0]!.id}`);
      await read(fresh, `${base}/calendars`);
      await read(fresh, `${base}/calendars/${calendars[1]!.id}`);
    } finally {
      await fresh.close();
    }
    expect(requestsTo('/calendars/')).toBe(before + 1);
    const sent = sandbox.fake.requests.filter((request) => request.path === '/calendars/').at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers.version).toBe('2021-04-15');
  });

  it('says clearly what is wrong: unknown IDs, unsafe IDs, unknown URIs, GHL failures', async () => {
    const missing = await readError(session, `${base}/pipelines/no-such-pipeline`);
    expect(missing.code).toBe(-32602);
    expect(missing.data).toEqual({ uri: `${base}/pipelines/no-such-pipeline` });
    expect(missing.message).toContain('GHL lists no pipeline with these IDs');

    const unsafe = await readError(session, 'ghl://locations/..%2Fcontacts/tags');
    expect(unsafe.code).toBe(-32602);
    expect(unsafe.data.reason).toBe('invalid-id');
    expect(unsafe.message).toContain('must be a plain ID');

    const unknown = await readError(session, 'ghl://contacts');
    expect(unknown.data).toEqual({ uri: 'ghl://contacts' });
    expect(unknown.message).toContain('resources/templates/list');

    sandbox.fake.faults.add({ kind: 'status', status: 500 }, { path: `/locations/${sandbox.locationId}/customValues` });
    const fresh = await connect(sandbox);
    try {
      const failed = await readError(fresh, `${base}/custom-values`);
      expect(failed.code).toBe(-32603);
      expect(failed.data).toMatchObject({ uri: `${base}/custom-values`, status: 500 });
      expect(failed.message).toContain('Error: GHL answered 500');
      expect(failed.message).toContain('Hint:');
      // A failure is not cached: the next read asks GHL again and succeeds.
      expect((await read(fresh, `${base}/custom-values`)).customValues.length).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });

  it('reports a rejected token as a read error naming the token, not leaking it', async () => {
    const wrong = await connectStdio({ GHL_API_KEY: 'pit-wrong-token-123456', GHL_BASE_URL: sandbox.baseUrl, GHL_LOCATION_ID: sandbox.locationId });
    try {
      const failed = await readError(wrong, `${base}/tags`);
      expect(failed.code).toBe(-32603);
      expect(failed.data.status).toBe(401);
      expect(failed.message).toMatch(/token was rejected/i);
      expect(JSON.stringify(failed)).not.toContain('pit-wrong-token-123456');
      // resources/list still answers, with what needs no GHL read.
      const { resources } = await wrong.client.listResources();
      expect(resources.map((resource) => resource.uri)).toContain(`${base}/tags`);
    } finally {
      await wrong.close();
    }
  });

  it('reads through the same rate limiter as tools: a burst of resource reads never meets a 429', async () => {
    sandbox.fake.rateLimit({ max: 4, intervalMs: 1000 });
    const limited = await connect(sandbox, { GHL_RESOURCE_CACHE_TTL_MS: '0', GHL_RATE_LIMIT_MAX: '4', GHL_RATE_LIMIT_INTERVAL_MS: '1000' });
    const first = sandbox.fake.requests.length;
    let rejected = -1;
    try {
      // Eight different GHL reads, twice (nothing is cached with a TTL of 0): 16 requests against 4 per second.
      const uris = ['ghl://locations', base, ...['tags', 'custom-values', 'custom-fields', 'users', 'pipelines', 'calendars'].map((name) => `${base}/${name}`)];
      for (const round of [1, 2]) {
        const views = await Promise.all(uris.map((uri) => read(limited, uri)));
        expect(views.every((view) => JSON.stringify(view).includes(sandbox.locationId)), `round ${round}`).toBe(true);
      }
    } finally {
      rejected = sandbox.fake.rejected;
      await limited.close();
      sandbox.fake.rateLimit({ max: 100, intervalMs: 10_000 });
    }
    const sent = sandbox.fake.requests.slice(first);
    expect(sent).toHaveLength(16);
    expect(sent.every((request) => request.status === 200)).toBe(true);
    expect(rejected).toBe(0);
  });

  it('works the same in `ghl-mcp --sandbox`, with no credentials at all', async () => {
    const cli = await connectStdio({}, ['--sandbox']);
    try {
      const { locations } = await read(cli, 'ghl://locations');
      expect(locations.map((location: Json) => location.name)).toEqual(['Bright Smile Dental (sandbox)']);
      const { pipelines } = await read(cli, `ghl://locations/${locations[0].id}/pipelines`);
      expect(pipelines.map((pipeline: Json) => pipeline.name)).toEqual(['New Patients', 'Invisalign']);
      const uris = (await cli.client.listResources()).resources.map((resource) => resource.uri);
      expect(uris).toContain(`ghl://locations/${locations[0].id}/pipelines/${pipelines[0].id}`);
    } finally {
      await cli.close();
    }
  });
});

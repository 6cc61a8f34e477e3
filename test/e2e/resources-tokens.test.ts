import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { CLIENT_ID, CLIENT_SECRET, leaked, oauthWorld, SCOPES, secretsOf, storedGrant, writeGrant } from '../helpers/oauth.js';

type Json = any;

const AGENCY = 'pit-agency-token-0000000001';
const LOCATION = 'pit-location-token-00000001';
const COMPANY = 'company-1';
const BIG_COMPANY = 'company-big';
const BIG = Array.from({ length: 40 }, (_, index) => ({ id: `big-${index}`, name: `Branch ${index}` }));

const text = async (session: StdioSession, uri: string) => ((await session.client.readResource({ uri })).contents[0] as { text: string }).text;
const read = async (session: StdioSession, uri: string): Promise<Json> => JSON.parse(await text(session, uri));

describe('which locations a token reaches, and bounded views (stdio, fake GHL)', () => {
  const fake = new FakeGhl({ tokens: [AGENCY, LOCATION] });
  const locations: Json[] = [
    { id: 'loc-alpha', name: 'Alpha Dental', city: 'Austin', timezone: 'America/Chicago', email: 'alpha@example.com' },
    { id: 'loc-beta', name: 'Beta Fitness', city: 'Denver', timezone: 'America/Denver' },
    { id: 'loc-gamma', name: 'Gamma Realty', city: 'Miami', timezone: 'America/New_York' },
  ];
  let baseUrl: string;
  const sessions: StdioSession[] = [];
  const connect = async (env: Record<string, string>) => {
    const session = await connectStdio({ GHL_BASE_URL: baseUrl, ...env }, ['--toolsets', 'all']);
    sessions.push(session);
    return session;
  };
  const searches = () => fake.requests.filter((request) => request.path === '/locations/search');

  beforeAll(async () => {
    // Later routes win: the search is registered after the `{locationId}` route it would otherwise match.
    fake
      .route('GET', '/locations/{locationId}', (request) => {
        const found = locations.find((location) => location.id === request.params.locationId);
        return found ? { status: 200, body: { location: { ...found, companyId: COMPANY, social: { yelp: '' } } } } : { status: 404, body: { statusCode: 404, message: 'Location not found' } };
      })
      .route('GET', '/locations/search', (request) => {
        if (request.headers.authorization !== `Bearer ${AGENCY}`) return { status: 401, body: { statusCode: 401, message: 'The token is not authorized for this scope.' } };
        if (request.query.get('companyId') === BIG_COMPANY) return { status: 200, body: { locations: BIG } };
        return { status: 200, body: { locations: request.query.get('companyId') === COMPANY ? locations : [] } };
      })
      .route('POST', '/locations/', (request) => {
        const created = { id: `loc-${locations.length + 1}`, name: (request.json as Json).name };
        locations.push(created);
        return { status: 201, body: created };
      })
      .route('GET', '/locations/{locationId}/tags', (request) => ({
        status: 200,
        body: { tags: Array.from({ length: 2500 }, (_, index) => ({ id: `tag-${index}`, name: `tag number ${index}`, locationId: request.params.locationId })) },
      }))
      .route('GET', '/objects/', () => ({
        status: 200,
        body: {
          objects: [
            { id: 'obj-1', key: 'contact', labels: { singular: 'Contact', plural: 'Contacts' }, standard: true },
            { id: 'obj-2', key: 'custom_objects.pet', labels: { singular: 'Pet', plural: 'Pets' }, standard: false, primaryDisplayProperty: 'custom_objects.pet.name' },
          ],
        },
      }))
      .route('GET', '/custom-fields/object-key/{objectKey}', (request) => ({
        status: 200,
        body: {
          fields: [
            { id: 'f-1', name: 'Species', fieldKey: `${request.params.objectKey}.species`, dataType: 'SINGLE_OPTIONS', objectKey: request.params.objectKey, options: [{ key: 'dog', label: 'Dog' }, { key: 'cat', label: 'Cat' }], dateAdded: '2025-01-01' },
          ],
          folders: [{ id: 'folder-1', name: 'Pet details', objectKey: request.params.objectKey }],
        },
      }));
    baseUrl = await fake.listen();
  });

  afterAll(async () => {
    for (const session of sessions) await session.close();
    await fake.close();
  });

  it("an agency token lists its company's sub-accounts, each with its resources, and completes them by name", async () => {
    const agency = await connect({ GHL_API_KEY: AGENCY, GHL_COMPANY_ID: COMPANY });
    const view = await read(agency, 'ghl://locations');
    expect(view.locations).toEqual(locations.map(({ id, name, city, timezone }) => ({ id, name, city, timezone })));
    expect(view.source).toBe(`the sub-accounts of company ${COMPANY} (agency token)`);
    expect(searches().at(-1)!.query.get('limit')).toBe('100');

    const { resources } = await agency.client.listResources();
    for (const { id } of locations) expect(resources.map((resource) => resource.uri)).toContain(`ghl://locations/${id}/pipelines`);
    expect(resources.find((resource) => resource.uri === 'ghl://locations/loc-beta/tags')!.name).toBe('Tags of Beta Fitness');
    // No location is the default, so no pipeline or calendar is listed one by one.
    expect(resources.some((resource) => /\/(pipelines|calendars)\/./.test(resource.uri))).toBe(false);

    const { completion } = await agency.client.complete({ ref: { type: 'ref/resource', uri: 'ghl://locations/{locationId}/tags' }, argument: { name: 'locationId', value: 'fitn' } });
    expect(completion.values).toEqual(['loc-beta']);
  });

  it('lists the resources of at most 25 locations, in pages of 100', async () => {
    const big = await connect({ GHL_API_KEY: AGENCY, GHL_COMPANY_ID: BIG_COMPANY });
    const first = await big.client.listResources({ cursor: '0' });
    expect(first.resources).toHaveLength(100);
    expect(first.nextCursor).toBeDefined();
    const { resources } = await big.client.listResources();
    expect(resources).toHaveLength(1 + 25 * 8);
    expect(resources.filter((resource) => resource.uri.split('/').length === 4).map((resource) => resource.uri).at(-1)).toBe('ghl://locations/big-24');
    expect((await read(big, 'ghl://locations')).locations).toHaveLength(40);
  });

  it('a location created through a tool changes the list of locations (list_changed, updated)', async () => {
    const agency = await connect({ GHL_API_KEY: AGENCY, GHL_COMPANY_ID: COMPANY });
    let listChanged = 0;
    const updated: string[] = [];
    agency.client.setNotificationHandler('notifications/resources/list_changed', () => void (listChanged += 1));
    agency.client.setNotificationHandler('notifications/resources/updated', (notification) => void updated.push(notification.params.uri));
    expect((await read(agency, 'ghl://locations')).total).toBe(3);
    await agency.client.subscribeResource({ uri: 'ghl://locations' });
    const result = await agency.client.callTool({ name: 'locations_create_location', arguments: { name: 'Delta Dogs' } });
    expect(result.isError).toBeFalsy();
    await vi.waitFor(() => expect(listChanged).toBe(1));
    await vi.waitFor(() => expect(updated).toEqual(['ghl://locations']));
    expect((await read(agency, 'ghl://locations')).locations.map((location: Json) => location.name)).toContain('Delta Dogs');
    // The read that follows the announced change is not announced again.
    await agency.client.listResources();
    expect(listChanged).toBe(1);
    locations.pop();
  });

  it('a location token reaches only its own location, without searching the company', async () => {
    const before = searches().length;
    const own = await connect({ GHL_API_KEY: LOCATION, GHL_LOCATION_ID: 'loc-alpha' });
    expect(await read(own, 'ghl://locations')).toEqual({
      locations: [{ id: 'loc-alpha', name: 'Alpha Dental', city: 'Austin', timezone: 'America/Chicago' }],
      total: 1,
      source: "the token's own location",
    });
    expect(searches()).toHaveLength(before);
    const uris = (await own.client.listResources()).resources.map((resource) => resource.uri);
    expect(uris.filter((uri) => uri.startsWith('ghl://locations/') && uri.split('/').length === 4)).toEqual(['ghl://locations/loc-alpha']);
  });

  it('a location token configured with a company ID too falls back to its own location when GHL refuses the search', async () => {
    const both = await connect({ GHL_API_KEY: LOCATION, GHL_LOCATION_ID: 'loc-beta', GHL_COMPANY_ID: COMPANY });
    const view = await read(both, 'ghl://locations');
    expect(view.locations.map((location: Json) => location.id)).toEqual(['loc-beta']);
    expect(view.source).toBe("the token's own location");
    expect(searches().at(-1)!.status).toBe(401);
  });

  it('without a location or company configured, says what to set instead of guessing', async () => {
    const before = fake.requests.length;
    const bare = await connect({ GHL_API_KEY: AGENCY });
    const view = await read(bare, 'ghl://locations');
    expect(view).toMatchObject({ locations: [], total: 0 });
    expect(view.note).toContain('GHL_LOCATION_ID');
    expect(view.note).toContain('GHL_COMPANY_ID');
    expect(fake.requests.length).toBe(before);
  });

  it('bounds large lists: at most 1000 tags, cut further to the size limit, saying how many were left out', async () => {
    const small = await connect({ GHL_API_KEY: AGENCY, GHL_COMPANY_ID: COMPANY, GHL_MAX_RESULT_CHARS: '20000' });
    const body = await text(small, 'ghl://locations/loc-gamma/tags');
    expect(body.length).toBeLessThanOrEqual(20_000);
    const view = JSON.parse(body);
    expect(view.total).toBe(2500);
    expect(view.tags.length).toBeLessThan(1000);
    expect(view.tags.length + view.omitted).toBe(2500);
    expect(view.tags[0]).toEqual({ id: 'tag-0', name: 'tag number 0' });
    expect(view.more).toContain('locations_get_location_tags');

    const large = await connect({ GHL_API_KEY: AGENCY, GHL_COMPANY_ID: COMPANY });
    const full = await read(large, 'ghl://locations/loc-gamma/tags');
    expect(full).toMatchObject({ total: 2500, omitted: 1500 });
    expect(full.tags).toHaveLength(1000);
  });

  it('reads custom objects and their fields, and completes objectKey', async () => {
    const agency = await connect({ GHL_API_KEY: AGENCY, GHL_COMPANY_ID: COMPANY, GHL_LOCATION_ID: 'loc-alpha' });
    const { objects } = await read(agency, 'ghl://locations/loc-alpha/objects');
    expect(objects[1]).toEqual({ key: 'custom_objects.pet', id: 'obj-2', name: 'Pet', plural: 'Pets', standard: false, primaryDisplayProperty: 'custom_objects.pet.name' });
    const { completion } = await agency.client.complete({
      ref: { type: 'ref/resource', uri: 'ghl://locations/{locationId}/custom-fields/{objectKey}' },
      argument: { name: 'objectKey', value: 'pet' },
      context: { arguments: { locationId: 'loc-alpha' } },
    });
    expect(completion.values).toEqual(['custom_objects.pet']);
    const fields = await read(agency, 'ghl://locations/loc-alpha/custom-fields/custom_objects.pet');
    expect(fields).toEqual({
      locationId: 'loc-alpha',
      objectKey: 'custom_objects.pet',
      fields: [{ id: 'f-1', name: 'Species', fieldKey: 'custom_objects.pet.species', dataType: 'SINGLE_OPTIONS', model: 'custom_objects.pet', options: [{ key: 'dog', label: 'Dog' }, { key: 'cat', label: 'Cat' }] }],
      total: 1,
      folders: [{ id: 'folder-1', name: 'Pet details' }],
    });
    const detail = await read(agency, 'ghl://locations/loc-alpha');
    expect(detail).not.toHaveProperty('social');
  });
});

describe('an OAuth agency login (stdio, fake GHL with OAuth)', () => {
  let world: Awaited<ReturnType<typeof oauthWorld>>;
  let session: StdioSession;

  beforeAll(async () => {
    const scopes = [...SCOPES, 'locations/tags.readonly'];
    world = await oauthWorld({ userType: 'Company', companyId: 'company-9', scopes });
    world.fake.route('GET', '/locations/{locationId}/tags', (request) => ({ status: 200, body: { tags: [{ id: `tag-${request.params.locationId}`, name: 'vip' }] } }));
    await writeGrant(world.tokenFile, storedGrant(world.oauth, { userType: 'Company', companyId: 'company-9', scopes }, 3600));
    session = await connectStdio({ GHL_CLIENT_ID: CLIENT_ID, GHL_CLIENT_SECRET: CLIENT_SECRET, GHL_BASE_URL: world.baseUrl, GHL_TOKEN_FILE: world.tokenFile });
  });

  afterAll(async () => {
    await session?.close();
    await world?.close();
  });

  it("lists the app's installed locations, and reads a location with a location token minted for it", async () => {
    const view = await read(session, 'ghl://locations');
    expect(view.locations).toEqual([{ id: 'loc-a', name: 'Alpha' }, { id: 'loc-b', name: 'Beta' }]);
    expect(view.source).toBe("the app's installed locations (agency token)");
    expect(world.fake.requests.find((request) => request.path === '/oauth/installedLocations')!.query.get('companyId')).toBe('company-9');

    expect(await read(session, 'ghl://locations/loc-b/tags')).toEqual({ locationId: 'loc-b', tags: [{ id: 'tag-loc-b', name: 'vip' }], total: 1 });
    const minted = world.fake.requests.filter((request) => request.path === '/oauth/locationToken');
    expect(minted).toHaveLength(1);
    expect(minted[0]!.body).toContain('locationId=loc-b');
    const tagsRequest = world.fake.requests.find((request) => request.path === '/locations/loc-b/tags')!;
    const installedRequest = world.fake.requests.find((request) => request.path === '/oauth/installedLocations')!;
    expect(tagsRequest.headers.authorization).not.toBe(installedRequest.headers.authorization);

    const output = JSON.stringify(await session.client.listResources()) + session.stderr();
    expect(leaked(output, secretsOf(world.oauth))).toEqual([]);
  });
});

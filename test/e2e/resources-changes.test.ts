import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { connectStdio } from '../helpers/mcp.js';
import { resultBody } from '../helpers/results.js';

type Json = any;

/** A client that records every resource notification it gets. */
async function watching(sandbox: Sandbox, env: Record<string, string> = {}) {
  const session = await connectStdio(
    { GHL_API_KEY: sandbox.token, GHL_BASE_URL: sandbox.baseUrl, GHL_LOCATION_ID: sandbox.locationId, GHL_COMPANY_ID: sandbox.companyId, ...env },
    ['--toolsets', 'all'],
  );
  const updated: string[] = [];
  let listChanged = 0;
  session.client.setNotificationHandler('notifications/resources/updated', (notification) => void updated.push(notification.params.uri));
  session.client.setNotificationHandler('notifications/resources/list_changed', () => void (listChanged += 1));
  const read = async (uri: string): Promise<Json> => JSON.parse(((await session.client.readResource({ uri })).contents[0] as { text: string }).text);
  const call = async (name: string, args: Record<string, unknown>): Promise<Json> => {
    const result = await session.client.callTool({ name, arguments: args });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    return resultBody(result);
  };
  return { session, updated, listChanges: () => listChanged, read, call };
}

describe('resources change with writes, subscriptions and list_changed (stdio, sandbox)', () => {
  let sandbox: Sandbox;
  let client: Awaited<ReturnType<typeof watching>>;
  let base: string;
  const requestsTo = (path: string) => sandbox.fake.requests.filter((request) => request.method === 'GET' && request.path === path).length;

  beforeAll(async () => {
    sandbox = await startSandbox({ token: 'sandbox-resources-changes-01' });
    client = await watching(sandbox);
    base = `ghl://locations/${sandbox.locationId}`;
  });

  afterAll(async () => {
    await client?.session.close();
    await sandbox?.close();
  });

  it('a tag created through a tool shows up in the tags resource, and the subscribed client is told', async () => {
    const tagsPath = `/locations/${sandbox.locationId}/tags`;
    const before = await client.read(`${base}/tags`);
    await client.session.client.subscribeResource({ uri: `${base}/tags` });
    await client.session.client.subscribeResource({ uri: `${base}/pipelines` });
    await client.session.client.subscribeResource({ uri: `${base}/custom-values` });
    const cached = requestsTo(tagsPath);
    expect((await client.read(`${base}/tags`)).tags).toEqual(before.tags);
    expect(requestsTo(tagsPath)).toBe(cached);

    await client.call('locations_create_tag', { name: 'Spring Promo 2026' });
    await vi.waitFor(() => expect(client.updated).toContain(`${base}/tags`));
    const after = await client.read(`${base}/tags`);
    expect(requestsTo(tagsPath)).toBe(cached + 1);
    expect(after.tags.map((tag: Json) => tag.name)).toEqual([...before.tags.map((tag: Json) => tag.name), 'spring promo 2026']);
    expect(after.total).toBe(before.total + 1);
    // Only what the write changed is announced.
    expect(client.updated).toEqual([`${base}/tags`]);
  });

  it('tagging a contact with a new name announces the tags too; custom values follow their own writes', async () => {
    client.updated.length = 0;
    const { contacts } = await client.call('contacts_get_contacts', { limit: 1 });
    await client.call('contacts_add_tags', { contactId: contacts[0].id, tags: ['Referral Bonus'] });
    await vi.waitFor(() => expect(client.updated).toEqual([`${base}/tags`]));
    expect((await client.read(`${base}/tags`)).tags.map((tag: Json) => tag.name)).toContain('referral bonus');

    await client.call('locations_create_custom_value', { name: 'Parking Info', value: 'Free parking behind the building' });
    await vi.waitFor(() => expect(client.updated).toEqual([`${base}/tags`, `${base}/custom-values`]));
    const { customValues } = await client.read(`${base}/custom-values`);
    expect(customValues.at(-1)).toMatchObject({ name: 'Parking Info', value: 'Free parking behind the building' });
  });

  it('after unsubscribing, a change is no longer announced (but the resource still shows it)', async () => {
    await client.session.client.unsubscribeResource({ uri: `${base}/tags` });
    client.updated.length = 0;
    await client.call('locations_create_tag', { name: 'Unwatched' });
    await client.call('locations_create_custom_value', { name: 'Watched', value: 'yes' });
    await vi.waitFor(() => expect(client.updated).toEqual([`${base}/custom-values`]));
    expect((await client.read(`${base}/tags`)).tags.map((tag: Json) => tag.name)).toContain('unwatched');
  });

  it('a write GHL refuses announces nothing and keeps the cached answer', async () => {
    const valuesPath = `/locations/${sandbox.locationId}/customValues`;
    await client.read(`${base}/custom-values`);
    const reads = requestsTo(valuesPath);
    client.updated.length = 0;
    sandbox.fake.faults.add({ kind: 'status', status: 500 }, { method: 'POST', path: valuesPath });
    const result = await client.session.client.callTool({ name: 'locations_create_custom_value', arguments: { name: 'Lost', value: 'never saved' } });
    expect(result.isError).toBe(true);
    await client.read(`${base}/custom-values`);
    expect(requestsTo(valuesPath)).toBe(reads);
    expect(client.updated).toEqual([]);
  });

  it('a calendar created through a tool changes the resource list (list_changed) and the calendars resource', async () => {
    await client.session.client.subscribeResource({ uri: `${base}/calendars` });
    const listed = (await client.session.client.listResources()).resources.map((resource) => resource.uri);
    const changes = client.listChanges();
    const { calendar } = await client.call('calendars_create_calendar', { name: 'Emergency Visit', slotDuration: 20 });
    await vi.waitFor(() => expect(client.listChanges()).toBe(changes + 1));
    await vi.waitFor(() => expect(client.updated).toContain(`${base}/calendars`));
    const relisted = (await client.session.client.listResources()).resources.map((resource) => resource.uri);
    expect(relisted).toEqual([...listed, `${base}/calendars/${calendar.id}`]);
    expect(await client.read(`${base}/calendars/${calendar.id}`)).toMatchObject({ id: calendar.id, name: 'Emergency Visit', slotDuration: '20 mins' });
  });

  it('re-reads subscribed resources every TTL: a change made outside this server is announced', async () => {
    const polled = await watching(sandbox, { GHL_RESOURCE_CACHE_TTL_MS: '250' });
    try {
      await polled.session.client.subscribeResource({ uri: `${base}/custom-values` });
      await polled.session.client.subscribeResource({ uri: `${base}/users` });
      const reads = requestsTo(`/locations/${sandbox.locationId}/customValues`);
      await vi.waitFor(() => expect(requestsTo(`/locations/${sandbox.locationId}/customValues`)).toBeGreaterThan(reads + 2));
      expect(polled.updated).toEqual([]);

      // As if someone edited a custom value in GHL's UI.
      const value = sandbox.store.collection('customValues').find((item) => item.name === 'Office Phone')!;
      value.value = '(512) 555-0199';
      await vi.waitFor(() => expect(polled.updated).toEqual([`${base}/custom-values`]));
      const { customValues } = await polled.read(`${base}/custom-values`);
      expect(customValues.find((item: Json) => item.name === 'Office Phone').value).toBe('(512) 555-0199');
    } finally {
      await polled.session.close();
    }
  });

  it('a removed pipeline found on a later read changes the resource list', async () => {
    const uncached = await watching(sandbox, { GHL_RESOURCE_CACHE_TTL_MS: '0' });
    const pipelines = sandbox.store.collection('pipelines');
    const removed = pipelines.all().at(-1)!;
    try {
      const first = (await uncached.session.client.listResources()).resources.map((resource) => resource.uri);
      expect(first).toContain(`${base}/pipelines/${removed.id}`);
      expect(uncached.listChanges()).toBe(0);
      pipelines.remove(removed.id);
      const again = (await uncached.session.client.listResources()).resources.map((resource) => resource.uri);
      expect(again).not.toContain(`${base}/pipelines/${removed.id}`);
      await vi.waitFor(() => expect(uncached.listChanges()).toBe(1));
    } finally {
      pipelines.insert(removed);
      await uncached.session.close();
    }
  });

  it('accepts a subscription to any URI, up to 100 per session', async () => {
    // The session holds three already: pipelines, custom values and calendars.
    const extra = Array.from({ length: 100 }, (_, index) => `test://watched-resource/${index}`);
    const outcomes = await Promise.allSettled(extra.map((uri) => client.session.client.subscribeResource({ uri })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(97);
    const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!;
    expect(String(refused.reason.message)).toContain('At most 100 subscriptions per session');
    for (const uri of extra) await client.session.client.unsubscribeResource({ uri });
    await client.session.client.subscribeResource({ uri: `${base}/tags` });
  });
});

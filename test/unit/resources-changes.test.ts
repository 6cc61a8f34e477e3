import { describe, expect, it } from 'vitest';
import { asChangeMessage, notificationsFor } from '../../src/resources/changes.js';
import { ResourceRegistry } from '../../src/resources/registry.js';
import { RESOURCES, VARIABLE_SOURCES } from '../../resources/index.js';

const registry = new ResourceRegistry(RESOURCES, VARIABLE_SOURCES);
const uris = (list: ReturnType<typeof notificationsFor>) => list.map((notification) => notification.params?.uri ?? notification.method);

describe('which subscribed URIs a resource change concerns', () => {
  const subscribed = [
    'ghl://locations/loc-1/tags',
    'ghl://locations/loc-2/tags',
    'ghl://locations/loc-1/pipelines/p-1',
    'ghl://locations/loc-1/pipelines/p-2',
    'test://not-ours',
  ];

  it('a changed resource at a location: its URIs of that location; without a location: of every location', () => {
    expect(uris(notificationsFor({ resources: ['tags'], locationId: 'loc-1' }, registry, subscribed))).toEqual(['ghl://locations/loc-1/tags']);
    expect(uris(notificationsFor({ resources: ['tags'] }, registry, subscribed))).toEqual(['ghl://locations/loc-1/tags', 'ghl://locations/loc-2/tags']);
    expect(uris(notificationsFor({ resources: 'all', locationId: 'loc-2' }, registry, subscribed))).toEqual(['ghl://locations/loc-2/tags']);
  });

  it('a query narrows it to the URIs whose variable lists the value; URIs without the variable are not narrowed', () => {
    const pipeline = registry.match('ghl://locations/loc-1/pipelines/p-1')!.definition.name;
    const change = { resources: [pipeline], locationId: 'loc-1', query: { pipelineId: 'p-2' } };
    expect(uris(notificationsFor(change, registry, subscribed))).toEqual(['ghl://locations/loc-1/pipelines/p-2']);
    expect(uris(notificationsFor({ ...change, resources: ['tags'], query: { pipelineId: 'p-2' } }, registry, subscribed))).toEqual(['ghl://locations/loc-1/tags']);
  });

  it('URIs named outright are told whatever they are; list_changed comes last, once', () => {
    const told = notificationsFor({ resources: [], uris: ['test://not-ours'], listChanged: true }, registry, subscribed);
    expect(uris(told)).toEqual(['test://not-ours', 'notifications/resources/list_changed']);
    expect(notificationsFor({ resources: [] }, registry, subscribed)).toEqual([]);
  });

  it('reads only well-formed change messages off the bus', () => {
    expect(asChangeMessage({ origin: 'a', change: { resources: ['tags'] } })).toBeDefined();
    expect(asChangeMessage({ origin: 'a', change: { resources: 'tags' } })).toBeUndefined();
    expect(asChangeMessage({ change: { resources: [] } })).toBeUndefined();
    expect(asChangeMessage(null)).toBeUndefined();
  });
});

import { bounded, compact, idOf, list } from '../src/resources/project.js';
import type { ResourceDefinition } from '../src/resources/types.js';

const MAX_TAGS = 1000;

export const tags: ResourceDefinition = {
  name: 'tags',
  uriTemplate: 'ghl://locations/{locationId}/tags',
  title: 'Tags',
  description: 'The tags of a location (IDs and names): tag contacts with these exact names.',
  fetch: ({ locationId }) => ({ tool: 'locations_get_location_tags', args: { locationId } }),
  project: (body, { locationId }) => ({
    locationId,
    ...bounded('tags', list(body.tags).map((tag) => compact({ id: idOf(tag), name: tag.name })), MAX_TAGS, 'Use locations_get_location_tags.'),
  }),
  // Tagging a contact with a new name creates the tag in the location.
  invalidatedBy: { tools: ['locations_*_tag'], withArgument: 'tags' },
  label: (vars, names) => `Tags of ${names.locationId ?? vars.locationId}`,
};

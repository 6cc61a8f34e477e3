import { bounded, clip, compact, idOf, list } from '../src/resources/project.js';
import type { ResourceDefinition } from '../src/resources/types.js';

const MAX_VALUES = 300;
const MAX_VALUE_CHARS = 300;

export const customValues: ResourceDefinition = {
  name: 'custom-values',
  uriTemplate: 'ghl://locations/{locationId}/custom-values',
  title: 'Custom values',
  description: 'Custom values of a location (the {{ custom_values.* }} merge fields): IDs, names, fieldKeys and values (long values cut).',
  fetch: ({ locationId }) => ({ tool: 'locations_get_custom_values', args: { locationId } }),
  project: (body, { locationId }) => ({
    locationId,
    ...bounded(
      'customValues',
      list(body.customValues).map((value) => compact({ id: idOf(value), name: value.name, fieldKey: value.fieldKey, value: clip(value.value, MAX_VALUE_CHARS) })),
      MAX_VALUES,
      'Use locations_get_custom_values.',
    ),
  }),
  invalidatedBy: { tools: ['locations_*_custom_value'] },
  label: (vars, names) => `Custom values of ${names.locationId ?? vars.locationId}`,
};

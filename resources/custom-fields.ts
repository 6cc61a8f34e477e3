import { bounded, compact, idOf, list } from '../src/resources/project.js';
import type { Json, ResourceDefinition } from '../src/resources/types.js';

const MAX_FIELDS = 300;
const MAX_OPTIONS = 50;

/** Picklist options as the values a write must use: strings, or `{ key, label }` objects (object fields). */
function options(values: unknown): unknown[] | undefined {
  const all = Array.isArray(values) ? values : [];
  const shown = all.slice(0, MAX_OPTIONS).map((option) => (typeof option === 'object' && option !== null ? compact({ key: option.key, label: option.label }) : option));
  return all.length > MAX_OPTIONS ? [...shown, `… ${all.length - MAX_OPTIONS} more`] : shown;
}

function field(found: Json): Json {
  return compact({
    id: idOf(found),
    name: found.name,
    fieldKey: found.fieldKey,
    dataType: found.dataType,
    model: found.model ?? found.objectKey,
    options: options(found.picklistOptions ?? found.options),
  });
}

export const customFields: ResourceDefinition = {
  name: 'custom-fields',
  uriTemplate: 'ghl://locations/{locationId}/custom-fields',
  title: 'Custom fields (contacts and opportunities)',
  description: 'Contact and opportunity custom fields of a location: IDs, names, fieldKeys, data types and picklist options, for customFields arguments.',
  fetch: ({ locationId }) => ({ tool: 'locations_get_custom_fields', args: { locationId, model: 'all' } }),
  project: (body, { locationId }) => ({
    locationId,
    ...bounded('customFields', list(body.customFields).map(field), MAX_FIELDS, 'Use locations_get_custom_fields with model to narrow.'),
  }),
  invalidatedBy: { tools: ['locations_*_custom_field'] },
  label: (vars, names) => `Custom fields of ${names.locationId ?? vars.locationId}`,
};

export const objectCustomFields: ResourceDefinition = {
  name: 'object-custom-fields',
  uriTemplate: 'ghl://locations/{locationId}/custom-fields/{objectKey}',
  title: 'Custom fields of an object',
  description: 'Custom fields and folders of a custom object or company (objectKey such as custom_objects.pet or business; see ghl://locations/{locationId}/objects).',
  fetch: ({ locationId, objectKey }) => ({ tool: 'custom_fields_get_custom_fields_by_object_key', args: { objectKey, locationId } }),
  project: (body, { locationId, objectKey }) => ({
    locationId,
    objectKey,
    ...bounded('fields', list(body.fields).map(field), MAX_FIELDS, 'Use custom_fields_get_custom_fields_by_object_key.'),
    folders: list(body.folders).map((folder) => compact({ id: idOf(folder), name: folder.name })),
  }),
  invalidatedBy: { tools: ['custom_fields_*'] },
  label: (vars) => `Custom fields of ${vars.objectKey}`,
};

export const objects: ResourceDefinition = {
  name: 'objects',
  uriTemplate: 'ghl://locations/{locationId}/objects',
  title: 'Objects (standard and custom)',
  description: 'The objects of a location, standard and custom: keys (objectKey) and labels, for custom-object records and their fields.',
  fetch: ({ locationId }) => ({ tool: 'objects_get_object_by_location_id', args: { locationId } }),
  project: (body, { locationId }) => ({
    locationId,
    objects: list(body.objects).map((object) =>
      compact({ key: object.key, id: idOf(object), name: object.labels?.singular, plural: object.labels?.plural, standard: object.standard, primaryDisplayProperty: object.primaryDisplayProperty }),
    ),
  }),
  items: (view) => list(view.objects).map((object) => ({ id: String(object.key), name: object.plural ?? object.name })),
  invalidatedBy: { tools: ['objects_create_custom_object_schema', 'objects_update_custom_object'] },
  label: (vars, names) => `Objects of ${names.locationId ?? vars.locationId}`,
};

import { crud } from '../crud.js';
import { ok } from '../http.js';
import { numberParam } from '../paging.js';
import { matchesText, snakeKey } from '../text.js';
import type { SandboxRouter } from '../router.js';
import type { Doc } from '../state.js';

const FIELD_TYPES = [
  'TEXT', 'LARGE_TEXT', 'NUMERICAL', 'PHONE', 'MONETORY', 'CHECKBOX', 'SINGLE_OPTIONS', 'MULTIPLE_OPTIONS',
  'FLOAT', 'TIME', 'DATE', 'TEXTBOX_LIST', 'FILE_UPLOAD', 'SIGNATURE',
] as const;

/** The location itself, its custom fields, custom values and tags, and the task search across its contacts. */
export function locationRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const location = () => store.collection('locations').get(locationId)!;
  // The router has already refused any other location (403), so the path's locationId is this one.
  const inLocation = () => ({ locationId });

  router
    .on('GET /locations/{locationId}', () => ok({ location: location() }))
    .on('GET /locations/search', ({ query }) => {
      const skip = numberParam(query, 'skip', 0);
      const limit = numberParam(query, 'limit', 10, 100);
      const email = query.get('email');
      const found = [location()].filter((record) => !email || record.email === email);
      return ok({ locations: found.slice(skip, skip + limit) });
    })
    .on('POST /locations/{locationId}/tasks/search', ({ body }) => {
      const contactIds = body.contactId as string[] | undefined;
      const assignees = body.assignedTo as string[] | undefined;
      const skip = Number(body.skip ?? 0);
      const limit = Number(body.limit ?? 20);
      const tasks = store
        .collection('tasks')
        .filter(
          (task: Doc) =>
            (!contactIds?.length || contactIds.includes(task.contactId)) &&
            (!assignees?.length || assignees.includes(task.assignedTo)) &&
            (body.completed === undefined || task.completed === body.completed) &&
            matchesText(task, body.query as string | undefined, ['title', 'body']),
        );
      return ok({ tasks: tasks.slice(skip, skip + limit) });
    });

  router.on('GET /locations/{locationId}/customFields', ({ query }) => {
    const model = query.get('model');
    const fields = store.collection('customFields').filter((field) => !model || model === 'all' || field.model === model);
    return ok({ customFields: fields });
  });
  crud(router, {
    collection: 'customFields',
    listPath: '/locations/{locationId}/customFields',
    itemPath: '/locations/{locationId}/customFields/{id}',
    label: 'Custom field',
    many: 'customFields',
    one: 'customField',
    scope: inLocation,
    rules: { name: ['required', 'string'], dataType: ['required', FIELD_TYPES], model: [['contact', 'opportunity']], placeholder: ['string'] },
    fields: ['name', 'dataType', 'placeholder', 'position', 'model', 'options', 'acceptedFormat', 'isMultipleFile', 'maxNumberOfFiles', 'textBoxListOptions'],
    build: (body, record) => {
      record.model ??= 'contact';
      record.position ??= 0;
      if (body.name !== undefined) record.fieldKey = `${record.model}.${snakeKey(String(record.name))}`;
      if (Array.isArray(body.options)) record.picklistOptions = body.options;
      delete record.options;
    },
    deleted: { succeded: true },
    only: ['get', 'create', 'update', 'delete'],
  });
  crud(router, {
    collection: 'customValues',
    listPath: '/locations/{locationId}/customValues',
    itemPath: '/locations/{locationId}/customValues/{id}',
    label: 'Custom value',
    many: 'customValues',
    one: 'customValue',
    scope: inLocation,
    rules: { name: ['required', 'string'], value: ['required', 'string'] },
    fields: ['name', 'value'],
    build: (body, record) => {
      if (body.name !== undefined) record.fieldKey = `{{ custom_values.${snakeKey(String(record.name))} }}`;
    },
    deleted: { succeded: true },
  });
  crud(router, {
    collection: 'tags',
    listPath: '/locations/{locationId}/tags',
    itemPath: '/locations/{locationId}/tags/{tagId}',
    label: 'Tag',
    many: 'tags',
    one: 'tag',
    scope: inLocation,
    rules: { name: ['required', 'string'] },
    fields: ['name'],
    build: (_body, record) => {
      record.name = String(record.name).trim().toLowerCase();
    },
    deleted: { succeded: true },
    createStatus: 200,
  });
}

/** Makes sure each tag exists in the location's tag list, as GHL does when a contact is tagged. */
export function ensureLocationTags(router: SandboxRouter, names: string[]): void {
  const { store, locationId } = router.context;
  const tags = store.collection('tags');
  for (const name of names) {
    if (!tags.find((tag) => tag.name === name)) tags.insert({ id: store.id(), name, locationId });
  }
}

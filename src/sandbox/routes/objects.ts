import { badRequest, notFound, ok } from '../http.js';
import type { SandboxRouter } from '../router.js';
import type { Doc } from '../state.js';
import { snakeKey } from '../text.js';

/** The location's standard objects (it has no custom objects), and the object-keyed custom field lookups. */
export function objectRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const created = () => store.collection('locations').get(locationId)!.dateAdded;
  const standard = (key: string, singular: string, plural: string, primary: string, id: string): Doc => ({
    id,
    standard: true,
    key,
    labels: { singular, plural },
    locationId,
    primaryDisplayProperty: primary,
    dateAdded: created(),
    dateUpdated: created(),
  });
  const objects = () => [
    standard('contact', 'Contact', 'Contacts', 'contact.name', '66a0c1f2e4b0a1b2c3d4e5f1'),
    standard('opportunity', 'Opportunity', 'Opportunities', 'opportunity.name', '66a0c1f2e4b0a1b2c3d4e5f2'),
    standard('business', 'Company', 'Companies', 'business.name', '66a0c1f2e4b0a1b2c3d4e5f3'),
  ];
  /** Object fields in the custom-fields module's shape. */
  const asObjectField = (field: Doc): Doc => ({
    id: field.id,
    locationId,
    name: field.name,
    objectKey: field.model,
    dataType: field.dataType,
    fieldKey: field.fieldKey,
    parentId: '',
    showInForms: true,
    options: (field.picklistOptions ?? []).map((label: string) => ({ key: snakeKey(label), label })),
    dateAdded: created(),
    dateUpdated: created(),
  });

  router
    .on('GET /objects/', () => ok({ objects: objects() }))
    .on('GET /custom-fields/object-key/{objectKey}', ({ params }) => {
      const key = params.objectKey!;
      if (key === 'contact' || key === 'opportunity') {
        throw badRequest(`Only custom objects and business are supported here; ${key} fields are at GET /locations/{locationId}/customFields`);
      }
      if (!objects().some((object) => object.key === key)) throw notFound(`Object ${key} not found`);
      return ok({ fields: store.collection('customFields').filter((field) => field.model === key).map(asObjectField), folders: [] });
    })
    .on('GET /custom-fields/{id}', ({ params }) => {
      const field = store.collection('customFields').get(params.id!);
      if (!field || field.model !== 'business') throw notFound('Custom field not found');
      return ok({ field: asObjectField(field) });
    });
}

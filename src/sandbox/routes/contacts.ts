import { crud } from '../crud.js';
import { badRequest, created, GhlError, notFound, ok } from '../http.js';
import type { SandboxRouter } from '../router.js';
import type { Doc } from '../state.js';
import { type Rule, validate } from '../validate.js';
import { contactSearchRoutes } from './contact-search.js';
import { ensureLocationTags } from './locations.js';

const CONTACT_FIELDS = [
  'firstName', 'lastName', 'email', 'phone', 'address1', 'city', 'state', 'postalCode', 'country', 'website',
  'timezone', 'dnd', 'dndSettings', 'inboundDndSettings', 'source', 'companyName', 'assignedTo', 'dateOfBirth', 'gender',
];

const CONTACT_RULES: Record<string, Rule[]> = {
  firstName: ['string'],
  lastName: ['string'],
  name: ['string'],
  email: ['string', 'email'],
  phone: ['string'],
  tags: ['array'],
  customFields: ['array'],
  dnd: ['boolean'],
  dndSettings: ['object'],
  website: ['string'],
  companyName: ['string'],
  source: ['string'],
  assignedTo: ['string'],
};
const CREATE_RULES: Record<string, Rule[]> = { locationId: ['required', 'string'], ...CONTACT_RULES };

/** Contacts: create / read / update / delete / upsert, tags, notes, tasks and the appointments of a contact. */
export function contactRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const contacts = store.collection('contacts');
  const contactOf = (params: Record<string, string>) => {
    if (!contacts.get(params.contactId!)) throw notFound('Contact not found');
    return { contactId: params.contactId };
  };
  const getContact = (id: string) => {
    const contact = contacts.get(id);
    if (!contact) throw notFound('Contact not found');
    return contact;
  };
  const write = (contact: Doc, body: Record<string, unknown>) => {
    const problems = phoneProblems(body.phone);
    validate(body, CONTACT_RULES, problems);
    applyContactFields(contact, body, store.collection('customFields').all());
    if (Array.isArray(body.tags)) ensureLocationTags(router, contact.tags as string[]);
    contact.dateUpdated = store.iso();
  };
  const duplicateOf = (body: Record<string, unknown>, except?: string): [Doc, string] | undefined => {
    const email = typeof body.email === 'string' ? body.email.toLowerCase() : undefined;
    const phone = typeof body.phone === 'string' ? normalizePhone(body.phone) : undefined;
    for (const contact of contacts.all()) {
      if (contact.id === except) continue;
      if (email && contact.emailLowerCase === email) return [contact, 'email'];
      if (phone && contact.phone === phone) return [contact, 'phone'];
    }
    return undefined;
  };
  const create = (body: Record<string, unknown>): Doc => {
    const now = store.iso();
    const contact: Doc = { id: store.id(), locationId, type: 'lead', tags: [], customFields: [], dnd: false, dateAdded: now, followers: [] };
    write(contact, body);
    contact.source ??= 'public api';
    return contacts.insert(contact);
  };

  router
    .on('POST /contacts/', ({ body }) => {
      validate(body, CREATE_RULES, phoneProblems(body.phone));
      checkIdentity(body);
      const duplicate = duplicateOf(body);
      if (duplicate) {
        const [contact, matchingField] = duplicate;
        throw badRequest('This location does not allow duplicated contacts.', { meta: { contactName: contact.contactName, contactId: contact.id, matchingField } });
      }
      return created({ contact: create(body) });
    })
    .on('POST /contacts/upsert', ({ body }) => {
      validate(body, CREATE_RULES, phoneProblems(body.phone));
      const duplicate = duplicateOf(body);
      if (!duplicate) return ok({ new: true, contact: create(body) });
      write(duplicate[0], body);
      return ok({ new: false, contact: duplicate[0] });
    })
    .on('GET /contacts/{contactId}', ({ params }) => ok({ contact: getContact(params.contactId!) }))
    .on('PUT /contacts/{contactId}', ({ params, body }) => {
      const contact = getContact(params.contactId!);
      write(contact, body);
      return ok({ succeded: true, contact });
    })
    .on('DELETE /contacts/{contactId}', ({ params }) => {
      getContact(params.contactId!);
      contacts.remove(params.contactId!);
      for (const name of ['notes', 'tasks'] as const) {
        const records = store.collection(name);
        for (const record of records.filter((item) => item.contactId === params.contactId)) records.remove(record.id);
      }
      return ok({ succeded: true });
    })
    .on('GET /contacts/search/duplicate', ({ query }) => {
      const found = duplicateOf({ email: query.get('email') ?? undefined, phone: query.get('number') ?? undefined });
      return ok({ contact: found ? found[0] : null });
    })
    .on('POST /contacts/{contactId}/tags', ({ params, body }) => {
      const contact = getContact(params.contactId!);
      validate(body, { tags: ['required', 'array'] });
      const added = (body.tags as unknown[]).map((tag) => String(tag).trim().toLowerCase()).filter(Boolean);
      contact.tags = [...new Set([...(contact.tags as string[]), ...added])];
      contact.dateUpdated = store.iso();
      ensureLocationTags(router, added);
      return created({ tags: contact.tags });
    })
    .on('DELETE /contacts/{contactId}/tags', ({ params, body }) => {
      const contact = getContact(params.contactId!);
      validate(body, { tags: ['required', 'array'] });
      const removed = new Set((body.tags as unknown[]).map((tag) => String(tag).trim().toLowerCase()));
      contact.tags = (contact.tags as string[]).filter((tag) => !removed.has(tag));
      contact.dateUpdated = store.iso();
      return ok({ tags: contact.tags });
    })
    .on('GET /contacts/{contactId}/appointments', ({ params }) => {
      getContact(params.contactId!);
      return ok({ events: store.collection('appointments').filter((event) => event.contactId === params.contactId) });
    })
    .on('PUT /contacts/{contactId}/tasks/{taskId}/completed', ({ params, body }) => {
      contactOf(params);
      const task = store.collection('tasks').get(params.taskId!);
      if (!task || task.contactId !== params.contactId) throw notFound('Task not found');
      validate(body, { completed: ['required', 'boolean'] });
      task.completed = body.completed;
      return ok({ task });
    });

  crud(router, {
    collection: 'notes',
    listPath: '/contacts/{contactId}/notes',
    itemPath: '/contacts/{contactId}/notes/{id}',
    label: 'Note',
    many: 'notes',
    one: 'note',
    scope: contactOf,
    rules: { body: ['required', 'string'], userId: ['string'], title: ['string'], pinned: ['boolean'] },
    fields: ['body', 'userId', 'title', 'color', 'pinned'],
    build: (_body, note) => {
      note.dateAdded ??= store.iso();
    },
    deleted: { succeded: true },
  });
  crud(router, {
    collection: 'tasks',
    listPath: '/contacts/{contactId}/tasks',
    itemPath: '/contacts/{contactId}/tasks/{taskId}',
    label: 'Task',
    many: 'tasks',
    one: 'task',
    scope: contactOf,
    rules: { title: ['required', 'string'], dueDate: ['required', 'date'], completed: ['required', 'boolean'], body: ['string'], assignedTo: ['string'] },
    fields: ['title', 'body', 'dueDate', 'completed', 'assignedTo'],
    deleted: { succeded: true },
  });
  contactSearchRoutes(router);
}

/** Copies the writable fields of a create/update body onto the contact and keeps the derived fields in step. */
export function applyContactFields(contact: Doc, body: Record<string, unknown>, customFields: Doc[]): void {
  for (const field of CONTACT_FIELDS) if (body[field] !== undefined) contact[field] = body[field];
  if (typeof body.name === 'string' && body.firstName === undefined && body.lastName === undefined) {
    const [first = '', ...rest] = body.name.trim().split(/\s+/);
    contact.firstName = first;
    contact.lastName = rest.join(' ');
  }
  if (typeof body.phone === 'string') contact.phone = normalizePhone(body.phone);
  if (Array.isArray(body.tags)) contact.tags = [...new Set(body.tags.map((tag) => String(tag).trim().toLowerCase()).filter(Boolean))];
  if (Array.isArray(body.customFields)) contact.customFields = mergeCustomFields(contact.customFields ?? [], body.customFields, customFields);
  const full = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  contact.contactName = full || undefined;
  contact.firstNameLowerCase = contact.firstName?.toLowerCase();
  contact.lastNameLowerCase = contact.lastName?.toLowerCase();
  contact.fullNameLowerCase = full.toLowerCase() || undefined;
  contact.emailLowerCase = contact.email?.toLowerCase();
}

/**
 * `[{ id | key, field_value | fieldValue | value }]` in a body (every spelling reaches the live API) becomes
 * `[{ id, value }]` on the contact; unknown fields are dropped, as GHL does.
 */
function mergeCustomFields(current: Doc[], given: unknown[], known: Doc[]): Doc[] {
  const merged = new Map(current.map((field) => [field.id as string, field.value]));
  for (const item of given as Doc[]) {
    const field = known.find((candidate) => candidate.id === item.id || candidate.fieldKey === item.key || candidate.fieldKey === `contact.${item.key}`);
    if (field) merged.set(field.id, item.field_value ?? item.fieldValue ?? item.value);
  }
  return [...merged].map(([id, value]) => ({ id, value }));
}

const IDENTITY_FIELDS = ['firstName', 'lastName', 'name', 'email', 'phone', 'companyName'];

/** A create that names nobody is refused, with GHL's odd status: HTTP 400 whose body says 422 (doc-errata.md). */
function checkIdentity(body: Record<string, unknown>): void {
  if (IDENTITY_FIELDS.some((field) => body[field] !== undefined && body[field] !== null && body[field] !== '')) return;
  throw new GhlError(400, { statusCode: 422, message: [`one of ${IDENTITY_FIELDS.join(', ')} should not be empty`], error: 'Unprocessable Entity' });
}

export function normalizePhone(raw: string): string {
  const digits = raw.replace(/[^\d]/g, '');
  if (raw.trim().startsWith('+')) return `+${digits}`;
  return digits.length === 10 ? `+1${digits}` : `+${digits}`;
}

function phoneProblems(phone: unknown): string[] {
  if (typeof phone !== 'string' || phone === '') return [];
  const digits = phone.replace(/[^\d]/g, '');
  return digits.length < 7 || digits.length > 15 || /[a-z]/i.test(phone) ? ['phone must be a valid phone number'] : [];
}

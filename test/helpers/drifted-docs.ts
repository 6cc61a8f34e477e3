import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOCS_DIR } from './shared.js';

type Node = Record<string, any>;

/**
 * The official contacts document with one change of every kind the live docs can bring, made here in the test
 * (copies of the documents are never committed). What each change does to which tool:
 */
export const DRIFT = {
  /** GET /contacts/search/duplicate: query parameter `number` renamed `phone`, and required. */
  renamedQuery: 'contacts_get_duplicate_contact',
  /** GET /contacts/{contactId}/tasks moved to /contacts/{contactId}/task-list. */
  movedPath: 'contacts_get_all_tasks',
  /** POST /contacts/{contactId}/notes: body field `userId` now required. */
  requiredField: 'contacts_create_note',
  /** The DND status of every channel no longer accepts "permanent" (create, update and upsert contact). */
  changedEnum: 'contacts_create_contact',
  /** DELETE /contacts/{contactId}/notes/{id} is gone. */
  removed: 'contacts_delete_note',
  /** GET /contacts/{contactId}/activity is new. */
  added: 'contacts_get_contact_activity',
  /** GET /contacts/{contactId} now asks for Version 2021-04-15. */
  changedVersion: 'contacts_get_contact',
  /** GET /contacts/{contactId}/notes/{id} now needs scope contacts/notes.readonly. */
  changedScopes: 'contacts_get_note',
} as const;

export const CHANGED_ENUM_TOOLS = ['contacts_create_contact', 'contacts_update_contact', 'contacts_upsert_contact'];

export async function officialDocument(module: string): Promise<Node> {
  return JSON.parse(await readFile(path.join(DOCS_DIR, `${module}.json`), 'utf8')) as Node;
}

/** Applies every change listed in DRIFT to a copy of contacts.json. */
export function driftContacts(doc: Node): Node {
  const paths = doc.paths as Node;
  const duplicate = paths['/contacts/search/duplicate'].get;
  Object.assign(duplicate.parameters.find((param: Node) => param.name === 'number'), { name: 'phone', required: true });

  const tasks = paths['/contacts/{contactId}/tasks'];
  paths['/contacts/{contactId}/task-list'] = { get: tasks.get };
  delete tasks.get;

  const notes = doc.components.schemas.NotesDTO;
  notes.required = [...notes.required, 'userId'];

  const dnd = doc.components.schemas.DndSettingSchema.properties.status;
  dnd.enum = dnd.enum.filter((value: string) => value !== 'permanent');

  delete paths['/contacts/{contactId}/notes/{id}'].delete;

  paths['/contacts/{contactId}/activity'] = {
    get: {
      operationId: 'get-contact-activity',
      summary: 'Get Contact Activity',
      parameters: [
        versionHeader('2021-07-28'),
        { name: 'contactId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'limit', in: 'query', required: false, schema: { type: 'number' } },
      ],
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { activities: { type: 'array', items: { type: 'object' } } } } } } } },
      security: [{ bearer: ['contacts.readonly'] }],
    },
  };

  const contact = paths['/contacts/{contactId}'].get;
  contact.parameters = contact.parameters.map((param: Node) => (param.name === 'Version' ? versionHeader('2021-04-15') : param));

  paths['/contacts/{contactId}/notes/{id}'].get.security = [{ bearer: ['contacts/notes.readonly'] }];
  return doc;
}

function versionHeader(version: string): Node {
  return { name: 'Version', in: 'header', required: true, description: 'API Version', schema: { type: 'string', enum: [version] } };
}

/**
 * A docs folder laid out like the live repository (`apps/<module>.json`, `common/common-schemas.json`): the
 * drifted contacts document, and unchanged copies of the modules named.
 */
export async function writeDocsFolder(root: string, unchanged: string[] = []): Promise<{ apps: string }> {
  const apps = path.join(root, 'apps');
  await mkdir(apps, { recursive: true });
  await mkdir(path.join(root, 'common'), { recursive: true });
  await copyFile(path.join(DOCS_DIR, '../common/common-schemas.json'), path.join(root, 'common/common-schemas.json'));
  await writeFile(path.join(apps, 'contacts.json'), JSON.stringify(driftContacts(await officialDocument('contacts'))));
  for (const module of unchanged) await copyFile(path.join(DOCS_DIR, `${module}.json`), path.join(apps, `${module}.json`));
  return { apps };
}

import type { FakeResponse } from './fake-ghl.js';
import { created, notFound, ok } from './http.js';
import type { SandboxRequest, SandboxRouter } from './router.js';
import type { CollectionName, Doc } from './state.js';
import { type Rule, validate } from './validate.js';

type CrudOperation = 'list' | 'get' | 'create' | 'update' | 'delete';

/** One GHL resource that is a plain collection under a parent: which paths, which fields, which answer shapes. */
export interface CrudSpec {
  collection: CollectionName;
  /** `/locations/{locationId}/customValues` — list and create. */
  listPath: string;
  /** `/locations/{locationId}/customValues/{id}` — get, update, delete. */
  itemPath: string;
  /** Said in a 404: `Custom value not found`. */
  label: string;
  /** Answer keys: `{ customValues: [...] }` and `{ customValue: {...} }`; absent → the bare record. */
  many?: string;
  one?: string;
  /** The fields tying a record to its parent, from the path (`{ locationId }`); throws 404 when the parent is unknown. */
  scope: (params: Record<string, string>) => Doc;
  /** Create rules; updates apply them without `required`. */
  rules: Record<string, Rule[]>;
  /** Fields a create or update may set. */
  fields: string[];
  /** Derived fields and defaults of a new record. */
  build?: (body: Record<string, unknown>, record: Doc) => void;
  /** Answer to a delete (GHL's spelling varies: `succeded`, `succeeded`, `status`). */
  deleted: unknown;
  /** Timestamp fields, when this resource has them. */
  stamps?: { added: string; updated: string };
  createStatus?: 200 | 201;
  only?: CrudOperation[];
}

/** Registers list / get / create / update / delete for one collection resource. */
export function crud(router: SandboxRouter, spec: CrudSpec): void {
  const { store } = router.context;
  const records = store.collection(spec.collection);
  const itemParam = /\{([^}]+)\}$/.exec(spec.itemPath)![1]!;
  const wrap = (name: string | undefined, value: unknown) => (name ? { [name]: value } : value);
  const belongs = (record: Doc, scope: Doc) => Object.entries(scope).every(([field, value]) => record[field] === value);
  const find = ({ params }: SandboxRequest): Doc => {
    const record = records.get(params[itemParam]!);
    if (!record || !belongs(record, spec.scope(params))) throw notFound(`${spec.label} not found`);
    return record;
  };
  const writable = (body: Record<string, unknown>) =>
    Object.fromEntries(spec.fields.filter((field) => body[field] !== undefined).map((field) => [field, body[field]]));
  const optional = Object.fromEntries(Object.entries(spec.rules).map(([field, rules]) => [field, rules.filter((rule) => rule !== 'required')]));
  const only = new Set<CrudOperation>(spec.only ?? ['list', 'get', 'create', 'update', 'delete']);
  const handlers: Record<CrudOperation, [string, (request: SandboxRequest) => FakeResponse]> = {
    list: [`GET ${spec.listPath}`, ({ params }) => ok(wrap(spec.many, records.filter((record) => belongs(record, spec.scope(params)))))],
    get: [`GET ${spec.itemPath}`, (request) => ok(wrap(spec.one, find(request)))],
    create: [
      `POST ${spec.listPath}`,
      ({ params, body }) => {
        const scope = spec.scope(params);
        validate(body, spec.rules);
        const key = records.key === '_id' ? store.objectId() : store.id();
        const record: Doc = { [records.key]: key, ...scope, ...writable(body) };
        if (spec.stamps) record[spec.stamps.added] = record[spec.stamps.updated] = store.iso();
        spec.build?.(body, record);
        records.insert(record);
        const answer = wrap(spec.one, record);
        return spec.createStatus === 200 ? ok(answer) : created(answer);
      },
    ],
    update: [
      `PUT ${spec.itemPath}`,
      (request) => {
        const record = find(request);
        validate(request.body, optional);
        Object.assign(record, writable(request.body));
        if (spec.stamps) record[spec.stamps.updated] = store.iso();
        spec.build?.(request.body, record);
        return ok(wrap(spec.one, record));
      },
    ],
    delete: [
      `DELETE ${spec.itemPath}`,
      (request) => {
        records.remove(String(find(request)[records.key]));
        return ok(spec.deleted);
      },
    ],
  };
  for (const [operation, [route, handler]] of Object.entries(handlers)) {
    if (only.has(operation as CrudOperation)) router.on(route, handler);
  }
}

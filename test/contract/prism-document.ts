import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

type Node = Record<string, unknown>;

const OPERATION_KEYS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * The document Prism serves in the contract test: the official one, with its requests untouched in meaning.
 *
 * Prism 5.14.2 compiles each request schema with ajv and, when ajv refuses the schema, silently validates
 * nothing (`O.tryCatch` around the compile in prism-http/dist/validator/validators/utils.js). The official
 * documents hold three such constructs; each repair keeps the set of valid requests exactly the same:
 * - `enum` with duplicate values (store.json's state codes repeat 183 of them) → the same values once;
 * - `examples` that is a map, not an array (voice-ai.json, conversations.json) → dropped, it is an annotation;
 * - `type: "any"` (conversations.json `startAfterDate`), which is not a JSON Schema type → no type, i.e. any.
 *
 * Responses keep their status codes but lose their bodies: the test is about requests, and generating and
 * validating documented response bodies is most of Prism's work per call.
 */
export async function writeContractCopy(source: string, directory: string): Promise<string> {
  const document = JSON.parse(await readFile(source, 'utf8')) as Node;
  findSchemas(document, '', repairSchema);
  for (const item of Object.values((document.paths as Record<string, Node> | undefined) ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (OPERATION_KEYS.has(method)) emptyResponses(operation as Node);
    }
  }
  const file = path.join(directory, path.basename(source));
  await writeFile(file, JSON.stringify(document));
  return file;
}

function emptyResponses(operation: Node): void {
  const responses = (operation.responses as Node | undefined) ?? { 200: {} };
  operation.responses = Object.fromEntries(Object.keys(responses).map((status) => [status, { description: 'not under test' }]));
}

/** Calls `visit` on every schema root: component schemas and every `schema` of a parameter, header or media type. */
function findSchemas(node: unknown, pointer: string, visit: (schema: Node) => void): void {
  if (node === null || typeof node !== 'object') return;
  for (const [key, child] of Object.entries(node as Node)) {
    const childPointer = `${pointer}/${key}`;
    if (child === null || typeof child !== 'object') continue;
    if (key === 'schema' && !Array.isArray(child)) visit(child as Node);
    else if (pointer === '/components' && key === 'schemas') {
      for (const schema of Object.values(child as Node)) visit(schema as Node);
    } else findSchemas(child, childPointer, visit);
  }
}

function repairSchema(schema: Node): void {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema.enum)) schema.enum = [...new Map(schema.enum.map((value) => [JSON.stringify(value), value])).values()];
  if (schema.examples !== undefined && !Array.isArray(schema.examples)) delete schema.examples;
  if (schema.type === 'any') delete schema.type;
  for (const key of ['items', 'additionalProperties', 'not']) repairSchema(schema[key] as Node);
  for (const key of ['allOf', 'anyOf', 'oneOf']) (schema[key] as Node[] | undefined)?.forEach(repairSchema);
  for (const property of Object.values((schema.properties as Node | undefined) ?? {})) repairSchema(property as Node);
}

/** What Prism's validator would leave unchecked: one entry per request schema its ajv cannot compile. */
export interface BlindSpot {
  operation: string;
  part: string;
  error: string;
}

interface PrismOperation {
  method: string;
  path: string;
  request?: {
    body?: { contents?: { mediaType: string; schema?: Node }[] };
    query?: PrismParameter[];
    headers?: PrismParameter[];
    path?: PrismParameter[];
  };
  __bundled__?: unknown;
}

interface PrismParameter {
  name: string;
  required?: boolean;
  schema?: Node;
}

interface Ajv {
  compile(schema: Node): unknown;
}

/**
 * Loads the document with Prism's own loader and compiles every request schema the way Prism's validator
 * does (same ajv options, formats, allOf merge and readOnly filter; parameters as one object per location).
 */
export async function prismBlindSpots(document: string): Promise<BlindSpot[]> {
  const cliPackage = createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json');
  const prismHttpMain = createRequire(cliPackage).resolve('@stoplight/prism-http');
  const prismRequire = createRequire(prismHttpMain);
  const prismHttp = prismRequire(prismHttpMain) as { getHttpOperationsFromSpec(file: string): Promise<PrismOperation[]> };
  const AjvClass = (prismRequire('ajv') as { default: new (options: Node) => Ajv }).default;
  const addFormats = (prismRequire('ajv-formats') as { default: (ajv: Ajv) => void }).default;
  const mergeAllOf = prismRequire('@stoplight/json-schema-merge-allof') as (schema: Node, options: Node) => Node;
  const { stripReadOnlyProperties } = prismRequire(path.join(path.dirname(prismHttpMain), 'utils/filterRequiredProperties.js')) as {
    stripReadOnlyProperties: (schema: Node) => { _tag: string; value?: Node };
  };
  const options = { allErrors: true, allowUnionTypes: true, allowMatchingProperties: true, strict: false, logger: false };
  const coercing = new AjvClass({ ...options, coerceTypes: true });
  const exact = new AjvClass({ ...options, coerceTypes: false });
  addFormats(coercing);
  addFormats(exact);

  const spots: BlindSpot[] = [];
  for (const operation of await prismHttp.getHttpOperationsFromSpec(document)) {
    const name = `${operation.method.toUpperCase()} ${operation.path}`;
    const attempt = (ajv: Ajv, part: string, schema: Node) => {
      try {
        ajv.compile({ ...schema, __bundled__: operation.__bundled__ });
      } catch (error) {
        spots.push({ operation: name, part, error: (error as Error).message.slice(0, 300) });
      }
    };
    for (const content of operation.request?.body?.contents ?? []) {
      if (!content.schema) continue;
      let schema = content.schema;
      try {
        schema = mergeAllOf(schema, { deep: true, ignoreAdditionalProperties: true });
      } catch {
        // Prism validates the unmerged schema when the merge fails, and so does this check.
      }
      const stripped = stripReadOnlyProperties(schema);
      attempt(exact, `body ${content.mediaType}`, stripped._tag === 'Some' && stripped.value ? stripped.value : schema);
    }
    for (const location of ['query', 'headers', 'path'] as const) {
      const params = operation.request?.[location] ?? [];
      if (params.length === 0) continue;
      const properties = Object.fromEntries(params.filter((param) => param.schema).map((param) => [param.name.toLowerCase(), param.schema]));
      const required = params.filter((param) => param.required).map((param) => param.name.toLowerCase());
      attempt(coercing, location, { type: 'object', properties, required });
    }
  }
  return spots;
}

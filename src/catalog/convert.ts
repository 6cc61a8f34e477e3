import type { DocumentSet, OpenApiDocument, OpenApiOperation, OpenApiParameter } from './documents.js';
import { returnsShape } from './responses.js';
import { SchemaCompactor } from './schema.js';
import { shareExamples } from './shared-facts.js';
import type { ArgSpec, BodyEncoding, BodySpec, CatalogModule, HttpMethod, JsonSchema, PagingStyle, TokenKind, ToolEntry } from './types.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Headers the executor always sets itself: never arguments. */
const MANAGED_HEADERS = new Set(['version', 'authorization', 'content-type', 'accept']);
const WHOLE_BODY_ARG = 'body';
const BODY_COLLISION_PREFIX = 'body_';

export function snakeCase(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

export function moduleNameOf(source: string): string {
  return snakeCase(source);
}

export function toolNameOf(moduleName: string, operationId: string): string {
  return `${moduleName}_${snakeCase(operationId)}`;
}

/** Converts every operation of every document into catalog modules, sorted and deterministic. */
export function convertDocumentSet(docs: DocumentSet, warn: (message: string) => void = () => {}): CatalogModule[] {
  const compactor = new SchemaCompactor(docs, warn);
  return [...docs.modules.entries()].map(([source, doc]) => convertModule(source, doc, compactor));
}

export function convertModule(source: string, doc: OpenApiDocument, compactor: SchemaCompactor): CatalogModule {
  const module = moduleNameOf(source);
  const tools: ToolEntry[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) tools.push(convertOperation(module, method.toUpperCase() as HttpMethod, path, op, doc, compactor));
    }
  }
  tools.sort((a, b) => a.name.localeCompare(b.name));
  shareExamples(tools);
  return { module, source, title: doc.info?.title ?? source, tools };
}

export function convertOperation(
  module: string,
  method: HttpMethod,
  path: string,
  op: OpenApiOperation,
  doc: OpenApiDocument,
  compactor: SchemaCompactor,
): ToolEntry {
  const operationId = op.operationId ?? `${method.toLowerCase()}${path}`;
  const params = op.parameters ?? [];
  const args: ArgSpec[] = [];
  for (const param of params) {
    if (param.in === 'cookie') continue;
    if (param.in === 'header' && MANAGED_HEADERS.has(param.name.toLowerCase())) continue;
    args.push(paramArg(param, doc, compactor));
  }
  addUndeclaredPathParams(path, args);
  const body = bodyArgs(op, doc, compactor, args);

  const entry: ToolEntry = {
    name: toolNameOf(module, operationId),
    operationId,
    method,
    path,
    summary: (op.summary ?? operationId).trim(),
    args: [...args, ...body.args],
  };
  const returns = returnsShape(responseSchema(op, doc, compactor));
  if (returns) entry.returns = returns;
  const version = versionOf(params);
  if (version) entry.version = version;
  Object.assign(entry, securityOf(op));
  if (op.deprecated) entry.deprecated = true;
  const paging = pagingOf(entry.args);
  if (paging) entry.paging = paging;
  if (body.spec) entry.body = body.spec;
  return reorder(entry);
}

/** The compacted schema of the first 2xx answer that documents a JSON body. */
export function responseSchema(op: OpenApiOperation, doc: OpenApiDocument, compactor: SchemaCompactor): JsonSchema | undefined {
  const [, response] = Object.entries(op.responses ?? {}).find(([status, answer]) => status.startsWith('2') && answer.content?.['application/json']) ?? [];
  const schema = response?.content?.['application/json']?.schema;
  return schema === undefined ? undefined : compactor.compact(schema, doc);
}

function paramArg(param: OpenApiParameter, doc: OpenApiDocument, compactor: SchemaCompactor): ArgSpec {
  return makeArg({
    name: param.name,
    in: param.in as ArgSpec['in'],
    // Path parameters are part of the URL and can never be optional, whatever the document says.
    required: param.required === true || param.in === 'path',
    csv: param.schema?.type === 'array' && param.explode === false,
    schema: compactor.compact(param.schema, doc, { name: param.name, description: param.description, example: param.example }),
  });
}

/** Builds an argument with its keys in a fixed order and without false flags. */
function makeArg(spec: { name: string; in: ArgSpec['in']; required?: boolean; csv?: boolean; wire?: string; schema: JsonSchema }): ArgSpec {
  const arg = { name: spec.name, in: spec.in } as ArgSpec;
  if (spec.wire && spec.wire !== spec.name) arg.wire = spec.wire;
  if (spec.required) arg.required = true;
  if (spec.csv) arg.csv = true;
  arg.schema = spec.schema;
  return arg;
}

function addUndeclaredPathParams(path: string, args: ArgSpec[]): void {
  for (const match of path.matchAll(/\{([^}]+)\}/g)) {
    const name = match[1]!;
    if (!args.some((arg) => arg.in === 'path' && arg.name === name)) {
      args.push(makeArg({ name, in: 'path', required: true, schema: { type: 'string' } }));
    }
  }
}

function bodyArgs(
  op: OpenApiOperation,
  doc: OpenApiDocument,
  compactor: SchemaCompactor,
  paramArgs: ArgSpec[],
): { spec?: BodySpec; args: ArgSpec[] } {
  const content = op.requestBody?.content;
  if (!content) return { args: [] };
  const [mediaType, media] = Object.entries(content)[0]!;
  const spec: BodySpec = { encoding: encodingOf(mediaType) };
  const bodyRequired = op.requestBody?.required === true;
  if (bodyRequired) spec.required = true;
  const schema = compactor.compact(media.schema, doc);
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (schema.type !== 'object' || !properties) {
    spec.whole = WHOLE_BODY_ARG;
    // A free-form object body (an undocumented DTO) may be left out: the executor then sends `{}`.
    const required = bodyRequired && schema.type !== 'object' && Object.keys(schema).length > 0;
    return { spec, args: [makeArg({ name: WHOLE_BODY_ARG, in: 'body', required, schema })] };
  }
  const taken = new Set(paramArgs.map((arg) => arg.name));
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const args = Object.entries(properties).map(([wire, fieldSchema]) =>
    makeArg({
      name: taken.has(wire) ? `${BODY_COLLISION_PREFIX}${wire}` : wire,
      in: 'body',
      wire,
      required: required.has(wire),
      schema: fieldSchema,
    }),
  );
  return { spec, args };
}

function encodingOf(mediaType: string): BodyEncoding {
  if (mediaType.startsWith('multipart/')) return 'multipart';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  return 'json';
}

function versionOf(params: OpenApiParameter[]): string | undefined {
  const header = params.find((param) => param.in === 'header' && param.name.toLowerCase() === 'version');
  const values = header?.schema?.enum as string[] | undefined;
  return values?.[0] ?? (header?.schema?.default as string | undefined);
}

const SCHEME_TOKENS: Record<string, { token: TokenKind; oauthOnly: boolean }> = {
  bearer: { token: 'location', oauthOnly: false },
  'Location-Access': { token: 'location', oauthOnly: false },
  'Location-Access-Only': { token: 'location', oauthOnly: true },
  'Agency-Access': { token: 'agency', oauthOnly: false },
  'Agency-Access-Only': { token: 'agency', oauthOnly: true },
};

function securityOf(op: OpenApiOperation): Pick<ToolEntry, 'scopes' | 'tokens' | 'oauthOnly'> {
  const requirements = op.security ?? [];
  const scopes = new Set<string>();
  const tokens = new Set<TokenKind>();
  let allOauthOnly = requirements.length > 0;
  for (const requirement of requirements) {
    for (const [scheme, schemeScopes] of Object.entries(requirement)) {
      schemeScopes.forEach((scope) => scopes.add(scope));
      const known = SCHEME_TOKENS[scheme];
      if (known) tokens.add(known.token);
      if (!known?.oauthOnly) allOauthOnly = false;
    }
  }
  const out: Pick<ToolEntry, 'scopes' | 'tokens' | 'oauthOnly'> = {};
  if (scopes.size > 0) out.scopes = [...scopes].sort();
  if (tokens.size > 0) out.tokens = [...tokens].sort();
  if (allOauthOnly) out.oauthOnly = true;
  return out;
}

/** Ordered: the first rule whose parameters are all present names the paging style. */
const PAGING_RULES: [PagingStyle, string[], ArgSpec['in']?][] = [
  ['search-after', ['searchAfter']],
  ['start-after', ['startAfterId']],
  ['start-after', ['startAfter']],
  ['start-after-date', ['startAfterDate']],
  ['last-id', ['lastMessageId']],
  ['last-id', ['lastKnowledgeBaseId']],
  ['last-id', ['lastFaqId']],
  ['last-id', ['lastDoc']],
  ['cursor', ['cursor']],
  ['body-skip-limit', ['skip', 'limit'], 'body'],
  ['limit-offset', ['limit', 'offset']],
  ['limit-skip', ['limit', 'skip']],
  ['page-pagesize', ['page', 'pageSize']],
  ['page-pagesize', ['page', 'pageLength']],
  ['page-limit', ['page', 'limit']],
  ['next', ['next']],
  ['page', ['page']],
];

function pagingOf(args: ArgSpec[]): PagingStyle | undefined {
  const has = (name: string, where?: ArgSpec['in']) =>
    args.some((arg) => (arg.wire ?? arg.name) === name && (where ? arg.in === where : arg.in !== 'path'));
  return PAGING_RULES.find(([, names, where]) => names.every((name) => has(name, where)))?.[0];
}

/** A fixed key order keeps the generated files stable and easy to diff. */
function reorder(entry: ToolEntry): ToolEntry {
  const { name, operationId, method, path, version, summary, returns, scopes, tokens, oauthOnly, deprecated, paging, body, args } = entry;
  return JSON.parse(
    JSON.stringify({ name, operationId, method, path, version, summary, returns, scopes, tokens, oauthOnly, deprecated, paging, body, args }),
  ) as ToolEntry;
}

/** A JSON Schema fragment as it appears in the catalog: refs inlined, prose stripped. */
export type JsonSchema = { [key: string]: unknown };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ArgLocation = 'path' | 'query' | 'header' | 'body';
export type BodyEncoding = 'json' | 'form' | 'multipart';

/** Which kind of GHL token an operation accepts, from the documents' security schemes. */
export type TokenKind = 'location' | 'agency';

/** Paging conventions of list/search operations, detected from their parameters. */
export type PagingStyle =
  | 'limit-offset'
  | 'limit-skip'
  | 'body-skip-limit'
  | 'page-limit'
  | 'page-pagesize'
  | 'start-after'
  | 'start-after-date'
  | 'search-after'
  | 'last-id'
  | 'cursor'
  | 'page'
  | 'next';

export interface ArgSpec {
  /** The argument name the agent sees. */
  name: string;
  in: ArgLocation;
  /** The name on the wire, when it differs from `name` (collision rule). */
  wire?: string;
  required?: true;
  /** For query arrays: send `a=1,2` instead of `a=1&a=2`. */
  csv?: true;
  schema: JsonSchema;
}

export interface BodySpec {
  encoding: BodyEncoding;
  required?: true;
  /** The whole body is one argument (arrays, free-form maps) instead of one argument per field. */
  whole?: string;
}

export interface ToolEntry {
  name: string;
  operationId: string;
  method: HttpMethod;
  path: string;
  /** The `Version` header to send; absent where the documents declare none. */
  version?: string;
  summary: string;
  /** The shape of the documented answer (`contact.id`, `calendars[].id`), for the tool's description. */
  returns?: string;
  scopes?: string[];
  tokens?: TokenKind[];
  /** The documents accept only OAuth access tokens here, not Private Integration Tokens. */
  oauthOnly?: true;
  deprecated?: true;
  paging?: PagingStyle;
  args: ArgSpec[];
  body?: BodySpec;
}

export interface CatalogModule {
  /** The toolset name, snake_case (file name of the documents with `-` → `_`). */
  module: string;
  /** The documents' file name without `.json`, used to fetch the live docs. */
  source: string;
  title: string;
  tools: ToolEntry[];
}

/** Where an agent gets the IDs of one kind of record (generated into tools/id-sources.ts). */
export interface IdSource {
  /** Catalog tool names (generated names), best first: lists, then searches, then creates. */
  tools: string[];
  /** The MCP resource URI template that lists them. */
  resource?: string;
}

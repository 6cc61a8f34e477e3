import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The subset of an OpenAPI 3.0 document the catalog reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  info?: { title?: string };
  tags?: { name: string }[];
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  deprecated?: boolean;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  security?: Record<string, string[]>[];
  tags?: string[];
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  explode?: boolean;
  schema?: Record<string, unknown>;
}

/** The per-module documents plus the shared `common/common-schemas.json` they reference. */
export interface DocumentSet {
  modules: Map<string, OpenApiDocument>;
  common: OpenApiDocument;
}

export const DEFAULT_DOCS_DIR = '../shared/ghl-openapi/apps';
export const LIVE_DOCS_URL = 'https://raw.githubusercontent.com/GoHighLevel/highlevel-api-docs/main/apps/';

const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Reads the module documents from a folder (every `*.json`) or a base URL (the named modules). */
export async function loadDocumentSet(source: string, moduleNames?: string[]): Promise<DocumentSet> {
  const names = moduleNames ?? (isUrl(source) ? undefined : await listModuleFiles(source));
  if (!names) throw new Error('Loading documents from a URL needs the list of module names');
  const modules = new Map<string, OpenApiDocument>();
  for (const name of [...names].sort()) {
    modules.set(name, await readDocument(source, `${name}.json`));
  }
  const common = await readDocument(source, '../common/common-schemas.json');
  return { modules, common };
}

async function listModuleFiles(dir: string): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length));
}

export async function readDocument(source: string, relative: string, timeoutMs = 20_000): Promise<OpenApiDocument> {
  if (!isUrl(source)) {
    return JSON.parse(await readFile(path.join(source, relative), 'utf8')) as OpenApiDocument;
  }
  const url = new URL(relative, source.endsWith('/') ? source : `${source}/`);
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new Error(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  return JSON.parse(text) as OpenApiDocument;
}

import { readFile, readdir, stat } from 'node:fs/promises';
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
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  explode?: boolean;
  description?: string;
  example?: unknown;
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

export interface ReadOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

/** Where a document lives: a file path, or a URL relative to the base URL. */
export function documentLocation(source: string, relative: string): string {
  return isUrl(source) ? new URL(relative, source.endsWith('/') ? source : `${source}/`).toString() : path.join(source, relative);
}

export async function readDocument(source: string, relative: string, timeoutMs = 20_000): Promise<OpenApiDocument> {
  return parseDocument(await readDocumentText(source, relative, { timeoutMs }), documentLocation(source, relative));
}

export function parseDocument(text: string, where: string): OpenApiDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${where} is not an OpenAPI document`);
  return parsed as OpenApiDocument;
}

/**
 * The text of one document. Over the network the body is read as it arrives and refused as soon as it passes
 * the size limit, so a huge or endless answer costs at most the limit.
 */
export async function readDocumentText(source: string, relative: string, options: ReadOptions = {}): Promise<string> {
  const { timeoutMs = 20_000, maxBytes = MAX_DOCUMENT_BYTES } = options;
  const where = documentLocation(source, relative);
  const tooLarge = () => new Error(`${where} is larger than ${maxBytes} bytes`);
  if (!isUrl(source)) {
    if ((await stat(where)).size > maxBytes) throw tooLarge();
    return readFile(where, 'utf8');
  }
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(where, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`GET ${where} answered ${response.status}`);
    }
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body?.cancel();
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (signal.aborted) throw new Error(`${where} did not answer within ${timeoutMs} ms`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause) throw new Error(`could not reach ${where} (${cause.code ?? cause.message})`);
    throw error;
  }
}

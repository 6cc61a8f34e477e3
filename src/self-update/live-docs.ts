import { createHash } from 'node:crypto';
import { convertModule } from '../catalog/convert.js';
import { documentLocation, LIVE_DOCS_URL, type OpenApiDocument, parseDocument, readDocumentText } from '../catalog/documents.js';
import { SchemaCompactor } from '../catalog/schema.js';
import type { CatalogModule } from '../catalog/types.js';

export { LIVE_DOCS_URL };

const COMMON_DOCUMENT = '../common/common-schemas.json';

/** One module as the live documents describe it today, converted by the generator's own code. */
export interface LiveModule {
  module: CatalogModule;
  /** Where the module document came from. */
  url: string;
  /** sha256 of the module document and the common schemas it was read with. */
  fingerprint: string;
  fetchedAt: string;
}

export interface LiveDocsOptions {
  /** A folder or a base URL holding `<module>.json`, with the common schemas at `../common/`. */
  source: string;
  /** How long a fetched document is reused. */
  ttlMs?: number;
  /** How long a failed fetch is remembered, so repeated failures do not hammer the docs host. */
  failureTtlMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
  now?: () => number;
}

interface Cached<T> {
  at: number;
  failed: boolean;
  value: Promise<T>;
}

interface Fetched {
  doc: OpenApiDocument;
  hash: string;
}

/** The live OpenAPI documents: fetched with a timeout and a size limit, cached with a TTL, one fetch at a time per document. */
export class LiveDocs {
  readonly source: string;
  private readonly documents = new Map<string, Cached<Fetched>>();
  private readonly modules = new Map<string, Cached<LiveModule>>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly timeoutMs: number;
  private readonly maxBytes?: number;
  private readonly now: () => number;

  constructor(options: LiveDocsOptions) {
    this.source = options.source;
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.failureTtlMs = options.failureTtlMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBytes = options.maxBytes;
    this.now = options.now ?? Date.now;
  }

  /** The module named by its documents' file name (`social-media-posting`), converted to catalog entries. */
  module(source: string): Promise<LiveModule> {
    return this.cached(this.modules, source, async () => {
      const [own, common] = await Promise.all([this.document(`${source}.json`), this.document(COMMON_DOCUMENT)]);
      const url = documentLocation(this.source, `${source}.json`);
      if (!own.doc.paths || typeof own.doc.paths !== 'object') throw new Error(`${url} is not an OpenAPI document (no paths)`);
      const docs = { modules: new Map([[source, own.doc]]), common: common.doc };
      const module = convertModule(source, own.doc, new SchemaCompactor(docs));
      const fingerprint = createHash('sha256').update(own.hash).update(common.hash).digest('hex');
      return { module, url, fingerprint, fetchedAt: new Date(this.now()).toISOString() };
    });
  }

  /** Parsed in the cached step, so a malformed answer counts as a failure (retried sooner), not as a document. */
  private document(relative: string): Promise<Fetched> {
    return this.cached(this.documents, relative, async () => {
      const text = await readDocumentText(this.source, relative, { timeoutMs: this.timeoutMs, maxBytes: this.maxBytes });
      return { doc: parseDocument(text, documentLocation(this.source, relative)), hash: createHash('sha256').update(text).digest('hex') };
    });
  }

  private cached<T>(cache: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && this.now() - hit.at < (hit.failed ? this.failureTtlMs : this.ttlMs)) return hit.value;
    const entry: Cached<T> = { at: this.now(), failed: false, value: load() };
    // Both lifetimes count from the start of the fetch.
    entry.value.catch(() => {
      entry.failed = true;
    });
    cache.set(key, entry);
    return entry.value;
  }
}

import { responseSchema } from './convert.js';
import type { DocumentSet } from './documents.js';
import { idNoun, pathNoun, type ReturnedRecord, returnedRecords } from './responses.js';
import type { SchemaCompactor } from './schema.js';
import type { CatalogModule, IdSource, ToolEntry } from './types.js';

/**
 * ID provenance, built by the generator: for each kind of record (`calendar`, `pipelineStage`…), the tools
 * whose documented answer hands out its IDs (lists and searches first, then writes that create one) and the MCP
 * resource that lists them. Listing hints turn it into "from calendars_get_calendars or ghl://…/calendars".
 */

const MAX_TOOLS = 6;

/** What the generator needs of a resource definition: its URI and which catalog tool it reads. */
export interface ResourceSource {
  uriTemplate: string;
  fetch(vars: Record<string, string>, scope: never): unknown;
}

interface Candidate {
  tool: ToolEntry;
  /** Found inside other records (an opportunity's custom fields): a source only when no list of its own exists. */
  nested: boolean;
  rank: number;
}

export function buildIdSources(docs: DocumentSet, modules: CatalogModule[], compactor: SchemaCompactor, resources: ResourceSource[]): Record<string, IdSource> {
  const candidates = new Map<string, Candidate[]>();
  for (const module of modules) {
    const doc = docs.modules.get(module.source);
    if (!doc) continue;
    for (const tool of module.tools) {
      const op = doc.paths[tool.path]?.[tool.method.toLowerCase()];
      if (!op) continue;
      const needs = tool.args.filter((arg) => arg.required).map((arg) => idNoun(arg.name, tool.path)).filter((noun) => noun !== undefined);
      const schema = responseSchema(op, doc, compactor);
      const records = schema ? returnedRecords(schema, tool.path) : undocumentedSearch(tool);
      for (const record of records) {
        const rank = rankOf(tool, record.list);
        if (rank === undefined || needs.includes(record.noun)) continue;
        // A source that first needs another record's ID (other than the configured location) is a worse start.
        const otherIds = needs.filter((noun) => !CONFIGURED_NOUNS.has(noun)).length;
        const list = candidates.get(record.noun) ?? [];
        list.push({ tool, nested: record.nested === true, rank: rank + 3 * otherIds + (tool.deprecated ? 10 : 0) });
        candidates.set(record.noun, list);
      }
    }
  }
  const readers = resourceReaders(resources);
  const sources: Record<string, IdSource> = {};
  for (const noun of [...candidates.keys()].sort()) {
    const found = candidates.get(noun)!;
    const own = found.filter((candidate) => !candidate.nested);
    const ordered = (own.length > 0 ? own : found)
      .sort((a, b) => a.rank - b.rank || requiredCount(a.tool) - requiredCount(b.tool) || a.tool.name.localeCompare(b.tool.name))
      .map((candidate) => candidate.tool.name);
    const source: IdSource = { tools: ordered.slice(0, MAX_TOOLS) };
    const resource = readers.find(({ uriTemplate, tools }) => !uriTemplate.includes(`{${noun}Id}`) && tools.some((name) => ordered.includes(name)));
    if (resource) source.resource = resource.uriTemplate;
    sources[noun] = source;
  }
  return sources;
}

/** IDs the server fills from its configuration: never a reason to look elsewhere first. */
const CONFIGURED_NOUNS = new Set(['location', 'company', 'alt']);

/** A search whose answer the documents leave out (`POST /contacts/search`) still lists the records it is named after. */
function undocumentedSearch(tool: ToolEntry): ReturnedRecord[] {
  if (!/\/search\/?$/.test(tool.path)) return [];
  const noun = pathNoun(tool.path);
  return noun ? [{ noun, list: true }] : [];
}

/** Lists read with GET come first, then searches sent as POST, then writes that answer the record they made. */
function rankOf(tool: ToolEntry, list: boolean): number | undefined {
  if (list) return tool.method === 'GET' ? 0 : 1;
  return tool.method === 'POST' || tool.method === 'PUT' ? 2 : undefined;
}

function requiredCount(tool: ToolEntry): number {
  return tool.args.filter((arg) => arg.required).length;
}

/** Each resource with the catalog tools it may read (whatever kind of token is configured). */
function resourceReaders(resources: ResourceSource[]): { uriTemplate: string; tools: string[] }[] {
  const scopes = [
    { kind: 'location', locationId: 'L', companyId: 'C' },
    { kind: 'location', locationId: 'L' },
    { kind: 'agency', companyId: 'C' },
  ];
  return resources.map((resource) => {
    const vars = Object.fromEntries([...resource.uriTemplate.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [name!, 'x']));
    const tools = new Set<string>();
    for (const scope of scopes) {
      let fetched = resource.fetch(vars, scope as never) as { tool?: string; fallback?: { fetch: { tool: string } } } | undefined;
      while (fetched?.tool) {
        tools.add(fetched.tool);
        fetched = fetched.fallback?.fetch;
      }
    }
    return { uriTemplate: resource.uriTemplate, tools: [...tools] };
  });
}

/** tools/id-sources.ts: one line per record kind, sorted, so the file diffs well. */
export function renderIdSources(sources: Record<string, IdSource>, banner: string): string {
  const lines = Object.entries(sources).map(([noun, source]) => `  ${JSON.stringify(noun)}: ${JSON.stringify(source)},`);
  return (
    `${banner}import type { IdSource } from '../src/catalog/types.js';\n\n` +
    `/** Which tools (best first) and which resource hand out the IDs of each kind of record. */\n` +
    `export const ID_SOURCES: Record<string, IdSource> = {\n${lines.join('\n')}\n};\n`
  );
}

import { UriTemplate } from '@modelcontextprotocol/server';
import type { CatalogTool } from '../catalog/catalog.js';
import { encodePathValue, UnsafeArgumentError } from '../request.js';
import type { ResourceDefinition, VariableSource, Vars } from './types.js';

export const RESOURCE_MIME_TYPE = 'application/json';

/** A URI that names a resource but cannot be read as given (an ID with `/` or `..`). */
export class InvalidResourceUri extends Error {}

interface Compiled {
  definition: ResourceDefinition;
  /** The template without its query part. */
  template: UriTemplate;
  variables: string[];
  /** Optional query variables (`{?type,contactId}` at the end of the template), in any order, each at most once. */
  query: string[];
  invalidators: RegExp[];
  listChangers: RegExp[];
}

export interface Matched {
  definition: ResourceDefinition;
  vars: Vars;
}

/** `locations_*_tag` → a whole-name pattern. */
function globPattern(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** `ghl://locations/{locationId}/events{?type,contactId}` → the path template and the query's variable names. */
function splitQuery(uriTemplate: string): { path: string; query: string[] } {
  const query = /\{\?([^}]+)\}$/.exec(uriTemplate);
  if (!query) return { path: uriTemplate, query: [] };
  return { path: uriTemplate.slice(0, query.index), query: query[1]!.split(',').map((name) => name.trim()) };
}

/** A URI's query as variables: only the names the template declares, each once, never empty. */
function queryVars(uri: string, search: string, allowed: readonly string[]): Vars {
  const vars: Vars = {};
  for (const [name, value] of new URLSearchParams(search)) {
    if (!allowed.includes(name)) throw new InvalidResourceUri(`${uri}: unknown query parameter "${name}" (this resource takes ${allowed.join(', ')})`);
    if (name in vars) throw new InvalidResourceUri(`${uri}: "${name}" is given twice (list several values as one, separated by commas)`);
    if (!value || value.length > MAX_QUERY_VALUE) throw new InvalidResourceUri(`${uri}: "${name}" must be 1 to ${MAX_QUERY_VALUE} characters`);
    vars[name] = value;
  }
  return vars;
}

const MAX_QUERY_VALUE = 500;

/** The resource definitions, compiled: URI matching and expansion, and which writes make which resources stale. */
export class ResourceRegistry {
  private readonly compiled: Compiled[];
  private readonly byName = new Map<string, Compiled>();

  constructor(
    definitions: ResourceDefinition[],
    readonly sources: Record<string, VariableSource>,
  ) {
    this.compiled = definitions.map((definition) => {
      const { path, query } = splitQuery(definition.uriTemplate);
      const template = new UriTemplate(path);
      return {
        definition,
        template,
        variables: template.variableNames,
        query,
        invalidators: definition.invalidatedBy.tools.map(globPattern),
        listChangers: (definition.listChangedBy ?? []).map(globPattern),
      };
    });
    for (const entry of this.compiled) {
      if (this.byName.has(entry.definition.name)) throw new Error(`Two resources are named ${entry.definition.name}`);
      this.byName.set(entry.definition.name, entry);
    }
  }

  definitions(): ResourceDefinition[] {
    return this.compiled.map((entry) => entry.definition);
  }

  get(name: string): ResourceDefinition | undefined {
    return this.byName.get(name)?.definition;
  }

  variables(definition: ResourceDefinition): string[] {
    return this.byName.get(definition.name)!.variables;
  }

  byTemplate(uriTemplate: string): ResourceDefinition | undefined {
    return this.compiled.find((entry) => entry.definition.uriTemplate === uriTemplate)?.definition;
  }

  /** The definition a concrete URI belongs to and its decoded variables; throws when a value is not a plain ID. */
  match(uri: string): Matched | undefined {
    const queryAt = uri.indexOf('?');
    const path = queryAt < 0 ? uri : uri.slice(0, queryAt);
    for (const entry of this.compiled) {
      if (queryAt >= 0 && entry.query.length === 0) continue;
      const raw = entry.template.match(path);
      if (!raw) continue;
      const vars: Vars = {};
      for (const name of entry.variables) {
        const value = raw[name];
        if (typeof value !== 'string') return undefined;
        let decoded: string;
        try {
          decoded = decodeURIComponent(value);
          encodePathValue(name, decoded);
        } catch (error) {
          const reason = error instanceof UnsafeArgumentError ? error.message : `${name}: not valid percent-encoding`;
          throw new InvalidResourceUri(`${uri}: ${reason}`);
        }
        vars[name] = decoded;
      }
      if (queryAt >= 0) Object.assign(vars, queryVars(uri, uri.slice(queryAt + 1), entry.query));
      return { definition: entry.definition, vars };
    }
    return undefined;
  }

  uri(definition: ResourceDefinition, vars: Vars): string {
    const entry = this.byName.get(definition.name)!;
    const query = new URLSearchParams(entry.query.filter((name) => vars[name] !== undefined).map((name): [string, string] => [name, vars[name]!]));
    const path = entry.template.expand(Object.fromEntries(entry.variables.map((name) => [name, vars[name]!])));
    return query.size > 0 ? `${path}?${query}` : path;
  }

  /** The resources a successful write may have changed: its name matches, or it carried the watched argument. */
  changedBy(tool: CatalogTool, args: Record<string, unknown>): ResourceDefinition[] {
    if (tool.readOnly) return [];
    return this.compiled
      .filter(({ definition, invalidators }) => {
        const watched = definition.invalidatedBy.withArgument;
        return invalidators.some((pattern) => pattern.test(tool.name)) || (watched !== undefined && args[watched] !== undefined);
      })
      .map((entry) => entry.definition);
  }

  /** Whether the write adds or removes items that resources/list shows. */
  changesList(tool: CatalogTool): boolean {
    return !tool.readOnly && this.compiled.some((entry) => entry.listChangers.some((pattern) => pattern.test(tool.name)));
  }

  /** Every invalidation pattern, for checking them against the catalog. */
  patterns(): string[] {
    return this.compiled.flatMap(({ definition }) => [...definition.invalidatedBy.tools, ...(definition.listChangedBy ?? [])]);
  }
}

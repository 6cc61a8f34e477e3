import { UriTemplate } from '@modelcontextprotocol/server';
import type { CatalogTool } from '../catalog/catalog.js';
import { encodePathValue, UnsafeArgumentError } from '../request.js';
import type { ResourceDefinition, VariableSource, Vars } from './types.js';

export const RESOURCE_MIME_TYPE = 'application/json';

/** A URI that names a resource but cannot be read as given (an ID with `/` or `..`). */
export class InvalidResourceUri extends Error {}

interface Compiled {
  definition: ResourceDefinition;
  template: UriTemplate;
  variables: string[];
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

/** The resource definitions, compiled: URI matching and expansion, and which writes make which resources stale. */
export class ResourceRegistry {
  private readonly compiled: Compiled[];
  private readonly byName = new Map<string, Compiled>();

  constructor(
    definitions: ResourceDefinition[],
    readonly sources: Record<string, VariableSource>,
  ) {
    this.compiled = definitions.map((definition) => {
      const template = new UriTemplate(definition.uriTemplate);
      return {
        definition,
        template,
        variables: template.variableNames,
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
    for (const entry of this.compiled) {
      const raw = entry.template.match(uri);
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
      return { definition: entry.definition, vars };
    }
    return undefined;
  }

  uri(definition: ResourceDefinition, vars: Vars): string {
    return this.byName.get(definition.name)!.template.expand(vars);
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

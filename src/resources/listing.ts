import type { TenantResources } from './reader.js';
import { RESOURCE_MIME_TYPE } from './registry.js';
import type { ResourceDefinition, Vars } from './types.js';

const MAX_LISTED_LOCATIONS = 25;
const MAX_COMPLETIONS = 100;

export interface ListedResource {
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: string;
}

type Item = { id: string; name?: string };

/** The items a template variable takes (`pipelineId` → the location's pipelines); undefined when they cannot be read. */
async function itemsOf(resources: TenantResources, variable: string, vars: Vars): Promise<Item[] | undefined> {
  const source = resources.registry.sources[variable];
  const definition = source && resources.registry.get(source.resource);
  if (!definition?.items) return undefined;
  if (resources.registry.variables(definition).some((name) => vars[name] === undefined)) return undefined;
  try {
    return definition.items((await resources.view(definition, vars)).view);
  } catch {
    return undefined;
  }
}

/** The location whose lower-level items are listed and completed by default: the configured one, or the only one. */
async function defaultLocation(resources: TenantResources, locations?: Item[]): Promise<Item | undefined> {
  const configured = resources.options.defaultLocationId;
  const known = locations ?? (await itemsOf(resources, 'locationId', {}));
  if (configured) return known?.find((item) => item.id === configured) ?? { id: configured };
  return known?.length === 1 ? known[0] : undefined;
}

/**
 * Concrete resources: the fixed ones, each reachable location's own (up to a bound), and one per pipeline and
 * calendar of the default location. What cannot be read now (no credentials) is left out, never an error.
 */
export async function listResources(resources: TenantResources): Promise<ListedResource[]> {
  const { registry } = resources;
  const listed: ListedResource[] = [];
  const add = (definition: ResourceDefinition, vars: Vars, names: Record<string, string | undefined>) =>
    listed.push({
      uri: registry.uri(definition, vars),
      name: definition.label(vars, names),
      title: definition.title,
      description: definition.description,
      mimeType: RESOURCE_MIME_TYPE,
    });
  const shapes = registry.definitions().map((definition) => ({ definition, variables: registry.variables(definition) }));
  for (const { definition, variables } of shapes) if (variables.length === 0) add(definition, {}, {});

  const reached = await itemsOf(resources, 'locationId', {});
  const primary = await defaultLocation(resources, reached);
  const locations = reached ?? (primary ? [primary] : []);
  for (const location of locations.slice(0, MAX_LISTED_LOCATIONS)) {
    for (const { definition, variables } of shapes) {
      if (variables.length === 1 && variables[0] === 'locationId') add(definition, { locationId: location.id }, { locationId: location.name });
    }
  }
  if (!primary) return listed;
  for (const { definition, variables } of shapes) {
    const [first, itemVariable, ...rest] = variables;
    if (first !== 'locationId' || !itemVariable || rest.length > 0 || !registry.sources[itemVariable]?.listed) continue;
    for (const item of (await itemsOf(resources, itemVariable, { locationId: primary.id })) ?? []) {
      add(definition, { locationId: primary.id, [itemVariable]: item.id }, { locationId: primary.name, [itemVariable]: item.name });
    }
  }
  return listed;
}

/**
 * Completion of a template variable: the IDs of its source resource that start with what was typed, or whose
 * name contains it. `context` gives the other variables already chosen (the locationId of a pipelineId).
 */
export async function completeVariable(
  resources: TenantResources,
  uriTemplate: string,
  variable: string,
  typed: string,
  context: Record<string, string> = {},
): Promise<{ values: string[]; total: number; hasMore: boolean }> {
  const none = { values: [], total: 0, hasMore: false };
  const definition = resources.registry.byTemplate(uriTemplate);
  if (!definition || !resources.registry.variables(definition).includes(variable)) return none;
  const vars: Vars = { ...context };
  if (variable !== 'locationId' && vars.locationId === undefined) {
    const primary = await defaultLocation(resources);
    if (primary) vars.locationId = primary.id;
  }
  const items = await itemsOf(resources, variable, vars);
  if (!items) return none;
  const needle = typed.toLowerCase();
  const byId = items.filter((item) => item.id.toLowerCase().startsWith(needle));
  const byName = items.filter((item) => !byId.includes(item) && item.name?.toLowerCase().includes(needle));
  const matches = [...byId, ...byName].map((item) => item.id);
  return { values: matches.slice(0, MAX_COMPLETIONS), total: matches.length, hasMore: matches.length > MAX_COMPLETIONS };
}

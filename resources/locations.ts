import { bounded, compact, idOf, list } from '../src/resources/project.js';
import type { FetchSpec, Json, ResourceDefinition, TokenScope } from '../src/resources/types.js';

const MAX_LOCATIONS = 100;

/** An agency lists its sub-accounts (an OAuth app: those it is installed in); a location token reaches only its own. */
function reachable(scope: TokenScope): FetchSpec | undefined {
  const own = (locationId: string): FetchSpec => ({ tool: 'locations_get_location', args: { locationId }, source: "the token's own location" });
  switch (scope.kind) {
    case 'location':
      return own(scope.locationId);
    case 'agency': {
      const { companyId, appId, locationId } = scope;
      if (appId) {
        return {
          tool: 'oauth_get_installed_location',
          args: { companyId, appId, isInstalled: true, limit: String(MAX_LOCATIONS) },
          source: "the app's installed locations (agency token)",
        };
      }
      const search: FetchSpec = {
        tool: 'locations_search_locations',
        args: { companyId, limit: String(MAX_LOCATIONS) },
        source: `the sub-accounts of company ${companyId} (agency token)`,
      };
      // A location token configured with both IDs cannot search the company: it still reaches its own location.
      return locationId ? { ...search, fallback: { statuses: [401, 403], fetch: own(locationId) } } : search;
    }
    case 'unknown':
      return undefined;
  }
}

function summary(location: Json): Json {
  return compact({ id: idOf(location), name: location.name, city: location.city, state: location.state, country: location.country, timezone: location.timezone });
}

const NOT_CONFIGURED = {
  locations: [],
  total: 0,
  note: 'The server does not know which locations this token reaches: set GHL_LOCATION_ID (a location token) or GHL_COMPANY_ID (an agency token).',
};

export const locations: ResourceDefinition = {
  name: 'locations',
  uriTemplate: 'ghl://locations',
  title: 'Locations',
  description: 'The locations (sub-accounts) this token reaches: IDs, names, time zones. Start here for any locationId.',
  fetch: (_vars, scope) => reachable(scope) ?? { answer: NOT_CONFIGURED },
  project: (body, _vars, fetched) => {
    const found = body.location ? [body.location] : list(body.locations);
    const total = typeof body.count === 'number' ? body.count : typeof body.total === 'number' ? body.total : found.length;
    return { ...bounded('locations', found.map(summary), MAX_LOCATIONS, `Use ${fetched.tool} with skip to page.`, total), source: fetched.source };
  },
  items: (view) => list(view.locations).map((location) => ({ id: String(location.id), name: location.name })),
  invalidatedBy: { tools: ['locations_create_location', 'locations_delete_location', 'locations_put_location'] },
  listChangedBy: ['locations_create_location', 'locations_delete_location'],
  label: () => 'Locations',
};

export const location: ResourceDefinition = {
  name: 'location',
  uriTemplate: 'ghl://locations/{locationId}',
  title: 'Location details',
  description: "One location: name, company, time zone, contact details, address and the settings that change how writes behave (duplicate contacts).",
  fetch: ({ locationId }) => ({ tool: 'locations_get_location', args: { locationId } }),
  project: (body) => {
    const found: Json | undefined = body.location;
    if (!found) return undefined;
    return compact({
      id: found.id,
      name: found.name,
      companyId: found.companyId,
      timezone: found.timezone,
      email: found.email,
      phone: found.phone,
      website: found.website,
      address: compact({ street: found.address, city: found.city, state: found.state, postalCode: found.postalCode, country: found.country }),
      business: found.business?.name !== found.name ? found.business?.name : undefined,
      settings: found.settings ? compact(found.settings) : undefined,
    });
  },
  invalidatedBy: { tools: ['locations_put_location'] },
  label: (vars, names) => `Location ${names.locationId ?? vars.locationId}`,
};

import type { Catalog } from '../catalog/catalog.js';
import type { Executor } from '../executor.js';
import type { TokenScope } from '../resources/types.js';

/** A scope that can also prove the credentials reach a location, by asking GHL. */
export type ProvenScope = TokenScope & { reaches?: (locationId: string) => Promise<boolean> };

/**
 * For credentials the server does not hold itself (a multi-tenant client's token, a signed-in user's grant): the
 * location they name is only a claim, and events are the one thing the server serves from its own store rather
 * than GHL. So before a location's events are shown, GHL is asked to read that location with those credentials
 * (once per location while the context lives; a refusal is asked again next time).
 */
export function provenScope(scope: () => Promise<TokenScope>, catalog: Catalog, executor: Executor): () => Promise<ProvenScope> {
  const reached = new Set<string>();
  const reaches = async (locationId: string): Promise<boolean> => {
    if (reached.has(locationId)) return true;
    const tool = catalog.get(LOCATION_READ);
    if (!tool) return false;
    const fetched = await executor.fetch(tool, { locationId }).catch(() => undefined);
    const ok = fetched !== undefined && !fetched.result;
    if (ok && reached.size < MAX_PROVEN) reached.add(locationId);
    return ok;
  };
  return async () => ({ ...(await scope()), reaches });
}

/** Why these credentials may not read a location's events, or undefined when they may. */
export async function locationRefusal(locationId: string, scope: ProvenScope): Promise<string | undefined> {
  // Events come for every location that installed the app: credentials that name no location or agency read none.
  if (scope.kind === 'unknown') return 'no location or company is configured for these credentials, so no location\'s events are served (set GHL_LOCATION_ID, or send X-GHL-Location-Id)';
  if (scope.kind === 'location' && scope.locationId !== locationId) {
    return `locationId: ${locationId} is not the location these credentials are for (${scope.locationId}); its events are not served here`;
  }
  if (scope.reaches && !(await scope.reaches(locationId))) return `locationId: these credentials could not read location ${locationId} in GHL, so its events are not served`;
  return undefined;
}

const LOCATION_READ = 'locations_get_location';
const MAX_PROVEN = 100;

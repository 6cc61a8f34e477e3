import type { TokenScope } from './types.js';

/** What an OAuth login tells about its grant (the stored tokens' metadata; never the tokens themselves). */
export interface OAuthGrants {
  current(): Promise<{ userType: 'Location' | 'Company'; locationId?: string; companyId?: string } | undefined>;
  /** The app's ID, which GHL's installed-locations endpoint asks for. */
  appId?: string;
}

/**
 * Which locations the credentials reach. An OAuth grant says whether it is an agency (company) or a location
 * grant. A Private Integration Token does not, so the configuration decides: a company ID means an agency token
 * (with a location ID as well, a refused company search falls back to that location), a location ID alone a
 * location token.
 */
export function tokenScope(config: { locationId?: string; companyId?: string }, oauth?: OAuthGrants): () => Promise<TokenScope> {
  const { locationId, companyId } = config;
  return async () => {
    const grant = oauth ? await oauth.current().catch(() => undefined) : undefined;
    const grantCompany = grant?.companyId ?? companyId;
    if (grant?.userType === 'Company' && grantCompany) return { kind: 'agency', companyId: grantCompany, appId: oauth?.appId, locationId };
    const grantLocation = grant?.locationId ?? locationId;
    if (grant?.userType === 'Location' && grantLocation) return { kind: 'location', locationId: grantLocation, companyId: grantCompany };
    if (companyId) return { kind: 'agency', companyId, locationId };
    if (locationId) return { kind: 'location', locationId };
    return { kind: 'unknown' };
  };
}

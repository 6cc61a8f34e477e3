import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Who sent a request, as far as the inbound bearer check knows: an id safe to log, never the token. */
export interface Principal {
  id: string;
}

export type AuthOutcome = { principal: Principal } | { refusal: 'missing' | 'invalid' };

/** A short, stable fingerprint of a secret: usable in logs, limiter keys and session bindings. */
export function fingerprint(secret: string, purpose: string): string {
  return createHash('sha256').update(`${purpose}\0${secret}`).digest('hex').slice(0, 16);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The inbound bearer check (MCP_AUTH_TOKENS). Tokens are compared as SHA-256 digests with timingSafeEqual, and
 * every configured token is compared on every request, so neither a token's length nor its position in the list
 * shows in the timing.
 */
export class InboundAuth {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  check(req: IncomingMessage): AuthOutcome {
    if (!this.enabled) return { principal: { id: 'anonymous' } };
    const presented = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!presented) return { refusal: 'missing' };
    const candidate = digest(presented);
    let matched = false;
    for (const known of this.digests) matched = timingSafeEqual(candidate, known) || matched;
    return matched ? { principal: { id: fingerprint(presented, 'mcp-auth') } } : { refusal: 'invalid' };
  }
}

/** The `WWW-Authenticate` challenge of a refused request (RFC 6750). */
export function challenge(refusal: 'missing' | 'invalid'): string {
  return refusal === 'missing'
    ? 'Bearer realm="ghl-mcp"'
    : 'Bearer realm="ghl-mcp", error="invalid_token", error_description="The bearer token is not one of MCP_AUTH_TOKENS"';
}

/** Whose GHL credentials a request runs on: its own header token (multi-tenant) or a signed-in user's grant. */
export type TenantCredentials = HeaderTenant | SignedInUser;

/** A client's own GHL credentials, in multi-tenant mode. */
export interface HeaderTenant {
  kind?: undefined;
  /** Fingerprint of token, location and company: the tenant's identity in caches, limiter keys and logs. */
  id: string;
  token: string;
  locationId?: string;
  companyId?: string;
}

/**
 * A user signed in with HighLevel (--signin), as their MCP access token says: the GHL grant is looked up by
 * `subject` in the grant store, so any replica can serve them. `id` (`user:<subject>/<location id | agency>`) is
 * the same on every replica: session owner, limiter and cache key.
 */
export interface SignedInUser {
  kind: 'user';
  id: string;
  subject: string;
  userType: 'Location' | 'Company';
  /** The location chosen at consent (agency grants) or the grant's own; absent: the agency itself. */
  locationId?: string;
  companyId?: string;
}

const TENANT_HEADERS = { token: 'x-ghl-token', locationId: 'x-ghl-location-id', companyId: 'x-ghl-company-id' } as const;

/** Reads a client's GHL credentials from its request headers; undefined when it sent no token. */
export function tenantCredentials(req: IncomingMessage): HeaderTenant | undefined {
  const header = (name: string) => {
    const value = req.headers[name];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    return text ? text : undefined;
  };
  const token = header(TENANT_HEADERS.token)?.replace(/^Bearer\s+/i, '');
  if (!token) return undefined;
  const locationId = header(TENANT_HEADERS.locationId);
  const companyId = header(TENANT_HEADERS.companyId);
  return { id: fingerprint(`${token}\0${locationId ?? ''}\0${companyId ?? ''}`, 'ghl-tenant'), token, locationId, companyId };
}

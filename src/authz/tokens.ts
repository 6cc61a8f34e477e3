import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger.js';
import { AuthzError } from './errors.js';
import type { AuthzStore } from './store.js';

/** What a signed-in user granted one client: the GHL grant it runs on, the location chosen, the audience. */
export interface GrantScope {
  subject: string;
  clientId: string;
  /** The MCP resource (audience) the tokens are for. */
  resource: string;
  /** `mcp` or `mcp:readonly`. */
  scope: string;
  userType: 'Location' | 'Company';
  locationId?: string;
  companyId?: string;
}

/** Every token issued from one authorization code: revoked together (revocation, refresh-token reuse, disconnect). */
export interface Family extends GrantScope {
  id: string;
  createdAt: number;
}

interface CodeRecord extends GrantScope {
  redirectUri: string;
  codeChallenge: string;
  /** /authorize had no redirect_uri (the client's only one was used): the token request may leave it out too. */
  redirectUriOmitted?: boolean;
}

interface TokenRecord {
  familyId: string;
  clientId: string;
  expiresAt: number;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

export interface TokenLifetimes {
  accessTtlMs: number;
  refreshTtlMs: number;
  codeTtlMs?: number;
}

/** Hex SHA-256: the only form in which a token or code is stored or looked up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function newSecret(kind: string): string {
  return `ghlmcp_${kind}_${randomBytes(32).toString('base64url')}`;
}

const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** RFC 7636 S256: the verifier's SHA-256, base64url, equals the challenge sent to /authorize. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!PKCE_VERIFIER.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/**
 * MCP authorization codes and tokens: opaque random strings, stored only as hashes. Codes are single-use (a replay
 * revokes what the code gave); refresh tokens rotate on every use and a reused one revokes its whole family.
 * Every grant, refresh and revocation is an audit line (ids, never secrets).
 */
export class TokenService {
  private readonly codeTtlMs: number;

  constructor(
    private readonly store: AuthzStore,
    private readonly lifetimes: TokenLifetimes,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.codeTtlMs = lifetimes.codeTtlMs ?? 60_000;
  }

  async issueCode(grant: GrantScope, redirectUri: string, codeChallenge: string, redirectUriOmitted = false): Promise<string> {
    const code = newSecret('ac');
    const record: CodeRecord = { ...grant, redirectUri, codeChallenge, ...(redirectUriOmitted && { redirectUriOmitted }) };
    await this.store.put(`code:${hashSecret(code)}`, record, this.codeTtlMs);
    return code;
  }

  /** The authorization_code grant: client, redirect URI, PKCE verifier and resource all checked against the code. */
  async exchangeCode(params: { code: string; clientId: string; redirectUri?: string; codeVerifier?: string; resource?: string }): Promise<TokenResponse> {
    const codeHash = hashSecret(params.code);
    const record = await this.store.take<CodeRecord>(`code:${codeHash}`);
    if (!record) {
      const familyId = await this.store.get<string>(`usedcode:${codeHash}`);
      if (familyId) await this.revokeFamily(familyId, 'authorization code replayed');
      throw new AuthzError('invalid_grant', 'The authorization code is invalid, expired or already used');
    }
    if (record.clientId !== params.clientId) throw new AuthzError('invalid_grant', 'The authorization code was issued to another client');
    // OAuth 2.1 §4.1.3: required, and identical, when /authorize had it.
    if (params.redirectUri === undefined ? !record.redirectUriOmitted : params.redirectUri !== record.redirectUri) throw new AuthzError('invalid_grant', 'redirect_uri does not match the authorization request');
    if (!params.codeVerifier) throw new AuthzError('invalid_grant', 'code_verifier is required (PKCE)');
    if (!pkceMatches(params.codeVerifier, record.codeChallenge)) throw new AuthzError('invalid_grant', 'code_verifier does not match the code_challenge');
    if (params.resource !== undefined && params.resource !== record.resource) {
      throw new AuthzError('invalid_target', 'resource differs from the one the code was issued for');
    }
    const { redirectUri: _redirect, codeChallenge: _challenge, redirectUriOmitted: _omitted, ...scope } = record;
    const family: Family = { ...scope, id: randomBytes(12).toString('base64url'), createdAt: this.now() };
    await this.store.put(`family:${family.id}`, family, this.lifetimes.refreshTtlMs);
    await this.store.addMember(`subject:${family.subject}`, family.id, this.lifetimes.refreshTtlMs);
    await this.store.put(`usedcode:${codeHash}`, family.id, 10 * 60_000);
    this.audit('grant', family, 'MCP tokens issued');
    return this.issuePair(family);
  }

  /** The refresh_token grant: the presented token is spent, a new pair is issued in the same family. */
  async refresh(params: { refreshToken: string; clientId: string; resource?: string; scope?: string }): Promise<TokenResponse> {
    const tokenHash = hashSecret(params.refreshToken);
    const held = await this.store.get<TokenRecord>(`rt:${tokenHash}`);
    if (held && held.clientId !== params.clientId) throw new AuthzError('invalid_grant', 'The refresh token was issued to another client');
    const record = held && (await this.store.take<TokenRecord>(`rt:${tokenHash}`));
    if (!record) {
      // Written when the token was issued, so a reuse is seen even while the first use is still under way (another
      // replica racing with the same token): exactly one refresh wins, and the family ends.
      const issuedFamily = await this.store.get<string>(`rtfamily:${tokenHash}`);
      if (issuedFamily) await this.revokeFamily(issuedFamily, 'refresh token reused');
      throw new AuthzError('invalid_grant', 'The refresh token is invalid, expired, revoked or already used');
    }
    const family = await this.store.get<Family>(`family:${record.familyId}`);
    if (!family || record.expiresAt <= this.now()) throw new AuthzError('invalid_grant', 'The refresh token is invalid, expired, revoked or already used');
    if (params.resource !== undefined && params.resource !== family.resource) {
      throw new AuthzError('invalid_target', 'resource differs from the one the tokens were issued for');
    }
    if (params.scope !== undefined && !params.scope.split(' ').every((scope) => scope === family.scope || (scope === 'mcp:readonly' && family.scope === 'mcp'))) {
      throw new AuthzError('invalid_scope', `The grant covers only "${family.scope}"`);
    }
    // Extended, never written again: a family revoked meanwhile (disconnect, reuse) stays revoked.
    if (!(await this.store.extend(`family:${family.id}`, this.lifetimes.refreshTtlMs))) {
      throw new AuthzError('invalid_grant', 'The refresh token is invalid, expired, revoked or already used');
    }
    // The user's list of families lives as long as its newest family, so a disconnect still finds this one.
    await this.store.addMember(`subject:${family.subject}`, family.id, this.lifetimes.refreshTtlMs);
    this.audit('refresh', family, 'MCP tokens refreshed');
    return this.issuePair(family);
  }

  /** The family an access token belongs to, while the token is unexpired and its family unrevoked. */
  async verify(accessToken: string): Promise<{ family: Family; expiresAt: number } | undefined> {
    const record = await this.store.get<TokenRecord>(`at:${hashSecret(accessToken)}`);
    if (!record || record.expiresAt <= this.now()) return undefined;
    const family = await this.store.get<Family>(`family:${record.familyId}`);
    return family && { family, expiresAt: record.expiresAt };
  }

  /** RFC 7009: an access or refresh token revokes its whole family; unknown tokens are ignored. */
  async revoke(token: string, clientId: string): Promise<void> {
    const tokenHash = hashSecret(token);
    const record = (await this.store.get<TokenRecord>(`rt:${tokenHash}`)) ?? (await this.store.get<TokenRecord>(`at:${tokenHash}`));
    // A token presented by a client it was not issued to is not that client's to revoke (RFC 7009 §2.1).
    if (!record || record.clientId !== clientId) return;
    await this.revokeFamily(record.familyId, 'revoked by the client');
  }

  /** Every family of a user (disconnect); returns how many were revoked. */
  async revokeSubject(subject: string, reason: string): Promise<number> {
    const families = await this.store.members(`subject:${subject}`);
    let revoked = 0;
    for (const id of families) if (await this.revokeFamily(id, reason)) revoked += 1;
    await this.store.delete(`subject:${subject}`);
    return revoked;
  }

  /** Deleting the family record kills every token of it: verification and refresh both look the family up. */
  private async revokeFamily(id: string, reason: string): Promise<boolean> {
    const family = await this.store.take<Family>(`family:${id}`);
    if (!family) return false;
    this.audit('revoke', family, `MCP tokens revoked: ${reason}`);
    return true;
  }

  private async issuePair(family: Family): Promise<TokenResponse> {
    const accessToken = newSecret('at');
    const refreshToken = newSecret('rt');
    const now = this.now();
    const base = { familyId: family.id, clientId: family.clientId };
    await this.store.put(`at:${hashSecret(accessToken)}`, { ...base, expiresAt: now + this.lifetimes.accessTtlMs }, this.lifetimes.accessTtlMs);
    const refreshHash = hashSecret(refreshToken);
    await this.store.put(`rtfamily:${refreshHash}`, family.id, this.lifetimes.refreshTtlMs);
    await this.store.put(`rt:${refreshHash}`, { ...base, expiresAt: now + this.lifetimes.refreshTtlMs }, this.lifetimes.refreshTtlMs);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: Math.floor(this.lifetimes.accessTtlMs / 1000),
      refresh_token: refreshToken,
      scope: family.scope,
    };
  }

  private audit(event: 'grant' | 'refresh' | 'revoke', family: Family, message: string): void {
    this.logger.info(
      { audit: event, subject: family.subject, client: family.clientId, family: family.id, location: family.locationId, company: family.companyId },
      message,
    );
  }
}

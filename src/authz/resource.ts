import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AuthInfo, bearerAuthChallengeResponse, OAuthError, OAuthErrorCode, verifyBearerToken } from '@modelcontextprotocol/server';
import type { SignedInUser } from '../transports/http/auth.js';
import type { Endpoints } from './endpoints.js';
import type { Family, TokenService } from './tokens.js';

export type GuardOutcome = { user: SignedInUser } | { refuse: (res: ServerResponse) => Promise<void>; presented: boolean };

/** The caller a verified token stands for: a user, the location chosen for this client, stable on every replica. */
export function signedInUser(family: Family): SignedInUser {
  const id = `user:${family.subject}/${family.locationId ?? 'agency'}`;
  return {
    kind: 'user',
    id,
    subject: family.subject,
    userType: family.userType,
    ...(family.locationId && { locationId: family.locationId }),
    ...(family.companyId && { companyId: family.companyId }),
  };
}

/**
 * The resource-server check on /mcp (MCP authorization): a bearer token this server issued, unexpired, unrevoked,
 * for this server's MCP URL (audience), with the scope the path needs. The mechanics (header parsing, audience,
 * scope and expiry checks, the WWW-Authenticate challenge) are the MCP SDK's own helpers; the token lookup is ours.
 */
export class ResourceGuard {
  constructor(
    private readonly tokens: TokenService,
    private readonly endpoints: Endpoints,
  ) {}

  async check(req: IncomingMessage, pathname: string, readOnly: boolean): Promise<GuardOutcome> {
    const resourceMetadataUrl = this.endpoints.metadataUrl(pathname);
    const requiredScopes = readOnly ? [] : ['mcp'];
    const header = req.headers.authorization;
    if (!header) {
      // No credentials at all: the challenge names where to learn how to get some, and no error (RFC 6750 §3.1).
      return {
        presented: false,
        refuse: async (res) => {
          res.writeHead(401, {
            'content-type': 'application/json',
            'www-authenticate': `Bearer resource_metadata="${resourceMetadataUrl}", scope="mcp"`,
          });
          res.end(JSON.stringify({ error: 'invalid_token', error_description: `Sign in: this server uses OAuth (see ${resourceMetadataUrl})` }));
        },
      };
    }
    try {
      const info = await verifyBearerToken(header, {
        verifier: { verifyAccessToken: (token) => this.verify(token) },
        expectedResource: new URL(this.endpoints.resource),
        requiredScopes,
        resourceMetadataUrl,
      });
      return { user: signedInUser((info.extra as { family: Family }).family) };
    } catch (error) {
      const response = bearerAuthChallengeResponse(error, { requiredScopes: requiredScopes.length > 0 ? requiredScopes : ['mcp:readonly'], resourceMetadataUrl });
      return { presented: true, refuse: (res) => sendResponse(res, response) };
    }
  }

  private async verify(token: string): Promise<AuthInfo> {
    const found = await this.tokens.verify(token);
    if (!found) throw new OAuthError(OAuthErrorCode.InvalidToken, 'The access token is unknown, expired or revoked');
    const { family, expiresAt } = found;
    return {
      token,
      clientId: family.clientId,
      scopes: family.scope === 'mcp' ? ['mcp', 'mcp:readonly'] : [family.scope],
      expiresAt: Math.floor(expiresAt / 1000),
      resource: new URL(family.resource),
      extra: { family },
    };
  }
}

/** A web Response (the SDK's challenge) written to a node response. */
async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(await response.text());
}

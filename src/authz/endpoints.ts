import { MCP_PATH, parseMcpPath } from '../transports/http/selection.js';

export const PRM_PATH = '/.well-known/oauth-protected-resource';
export const AS_METADATA_PATHS = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];
export const PATHS = {
  authorize: '/authorize',
  token: '/token',
  register: '/register',
  revoke: '/revoke',
  callback: '/oauth/callback',
  consent: '/consent',
  disconnect: '/disconnect',
} as const;

/**
 * The server's public URLs: the issuer (its origin), the MCP resource every token is bound to, GHL's redirect.
 * The origin is known only once the server listens (or from --public-url), hence a getter.
 */
export class Endpoints {
  constructor(private readonly origin: () => string) {}

  get issuer(): string {
    return this.origin();
  }

  /** The protected resource: one for every MCP path (/mcp, /mcp/readonly, /mcp/x/...). */
  get resource(): string {
    return `${this.origin()}${MCP_PATH}`;
  }

  get callback(): string {
    return `${this.origin()}${PATHS.callback}`;
  }

  url(path: string): string {
    return `${this.origin()}${path}`;
  }

  /** The protected-resource metadata URL for an MCP request path (RFC 9728 §3.1: the path after the well-known). */
  metadataUrl(mcpPathname: string): string {
    return `${this.origin()}${PRM_PATH}${mcpPathname.replace(/\/+$/, '')}`;
  }

  /**
   * The audience a `resource` parameter (RFC 8707) asks for: this server's MCP URL for any of its MCP paths,
   * the default when absent, undefined for anything else (another server, a query, a fragment).
   */
  audience(requested: string | undefined): string | undefined {
    if (requested === undefined) return this.resource;
    let url: URL;
    try {
      url = new URL(requested);
    } catch {
      return undefined;
    }
    if (url.origin !== new URL(this.origin()).origin || url.search || url.hash || !parseMcpPath(url.pathname)) return undefined;
    return this.resource;
  }
}

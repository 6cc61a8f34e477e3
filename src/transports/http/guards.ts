import type { IncomingMessage, ServerResponse } from 'node:http';
import { localhostAllowedOrigins, validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';

export interface GuardOptions {
  /** Host header names accepted (no ports); undefined: any (a non-loopback server reached by any name, behind auth). */
  allowedHosts?: readonly string[];
  /** Browser origins (scheme://host[:port]) that may call the server cross-origin; CORS is off when empty. */
  corsOrigins: readonly string[];
  /** Browser pages on localhost may call a server bound to loopback (the MCP Inspector, local tools). */
  loopback: boolean;
}

const EXPOSED_HEADERS = 'Mcp-Session-Id, WWW-Authenticate, Retry-After';
const ALLOWED_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  'Last-Event-ID',
  'Mcp-Session-Id',
  'Mcp-Protocol-Version',
  'X-MCP-Toolsets',
  'X-MCP-Tools',
  'X-MCP-Exclude-Tools',
  'X-MCP-Readonly',
  'X-GHL-Token',
  'X-GHL-Location-Id',
  'X-GHL-Company-Id',
].join(', ');

/**
 * DNS-rebinding and cross-origin guards. A rebinding page reaches the server under its own host name (wrong
 * Host) and from its own origin (wrong Origin): either is refused with 403 before anything else runs.
 */
export class RequestGuards {
  constructor(private readonly options: GuardOptions) {}

  /** Why the request is refused (403), or undefined when its Host and Origin are acceptable. */
  refusal(req: IncomingMessage): string | undefined {
    const { allowedHosts } = this.options;
    if (allowedHosts) {
      const host = validateHostHeader(req.headers.host, [...allowedHosts]);
      if (!host.ok) return host.message;
    }
    const origin = req.headers.origin;
    if (origin === undefined || this.corsAllows(origin)) return undefined;
    if (this.options.loopback && validateOriginHeader(origin, localhostAllowedOrigins()).ok) return undefined;
    return `Origin ${JSON.stringify(origin)} is not allowed`;
  }

  /** Adds the CORS answer headers when the request comes from a configured origin. */
  applyCors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!origin || !this.corsAllows(origin)) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    res.setHeader('Vary', 'Origin');
  }

  /** Answers a CORS preflight: allowed only for configured origins. */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!origin || !this.corsAllows(origin)) {
      res.writeHead(403).end();
      return;
    }
    this.applyCors(req, res);
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, POST, DELETE',
      'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS,
      'Access-Control-Max-Age': '600',
    });
    res.end();
  }

  private corsAllows(origin: string): boolean {
    return this.options.corsOrigins.includes(origin.toLowerCase());
  }
}

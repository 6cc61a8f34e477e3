import type { ServerResponse } from 'node:http';

/** The OAuth error codes this server answers with (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8707 §2). */
export type AuthzErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'server_error'
  | 'temporarily_unavailable';

/** A refusal with its OAuth code; the description is for people and never holds a secret. */
export class AuthzError extends Error {
  constructor(
    readonly code: AuthzErrorCode,
    readonly description: string,
    readonly status = code === 'invalid_client' ? 401 : code === 'server_error' ? 500 : code === 'temporarily_unavailable' ? 503 : 400,
  ) {
    super(description);
  }
}

/** JSON answers of the OAuth endpoints: never cached (RFC 6749 §5.1), readable by browser-based clients. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'access-control-allow-origin': '*',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: AuthzError): void {
  // A client that authenticated with HTTP Basic is told how to retry (RFC 6749 §5.2).
  const headers: Record<string, string> = error.code === 'invalid_client' ? { 'www-authenticate': 'Basic realm="ghl-mcp"' } : {};
  sendJson(res, error.status, { error: error.code, error_description: error.description }, headers);
}

/** Hosts a native client may listen on with plain http (RFC 8252 §7.3). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Schemes a redirect must never use: they run code or read local data in the browser. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'about:', 'blob:', 'ftp:', 'ws:', 'wss:']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Why a redirect URI cannot be registered, or undefined when it can: https anywhere, http on loopback only,
 * a private-use scheme for native apps (`cursor://...`); never a fragment or credentials (RFC 6749 §3.1.2, OAuth 2.1).
 */
export function redirectUriProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw.slice(0, 200)}" is not an absolute URI`;
  }
  if (url.hash || raw.includes('#')) return `"${raw}" has a fragment`;
  if (url.username || url.password) return `"${raw}" holds credentials`;
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `"${raw}" uses the ${url.protocol} scheme`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return `"${raw}" is plain http on a non-loopback host: use https`;
  return undefined;
}

/**
 * Redirect URIs are compared exactly, as registered (no prefix or pattern matching) — except that an http loopback
 * IP literal registered without a port takes any port, which a native app picks when it starts listening
 * (RFC 8252 §7.3, OAuth 2.1 §8.4.2). One registered with a port keeps it.
 */
export function redirectUriRegistered(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  const loose = loopbackIp(presented);
  if (!loose) return false;
  loose.port = '';
  return registered.some((uri) => loopbackIp(uri)?.href === loose.href);
}

/** An http://127.x.x.x or http://[::1] URI, parsed; undefined for any other URI. */
function loopbackIp(uri: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' && /^(127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname) ? url : undefined;
}

import { isIP } from 'node:net';
import { type ClientRecord, clientFromMetadata } from './clients.js';
import { AuthzError } from './errors.js';
import { isLoopbackHost } from './redirect-uris.js';

export interface MetadataDocumentOptions {
  /** http on a loopback host (tests and local development); otherwise https only. */
  allowLoopbackHttp: boolean;
  timeoutMs?: number;
  maxBytes?: number;
}

const CACHE_MS = 5 * 60_000;
const CACHE_MAX = 500;
const cache = new Map<string, { client: ClientRecord; expiresAt: number }>();

/** A client_id that is a URL names its client ID metadata document (draft-ietf-oauth-client-id-metadata-document). */
export function isMetadataDocumentId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * Fetches and checks the document a URL client_id names: https (http on loopback only when allowed), a path,
 * no redirects, bounded size and time, `client_id` equal to the URL, public client only. Cached for five minutes.
 */
export async function fetchClientMetadata(clientId: string, options: MetadataDocumentOptions): Promise<ClientRecord> {
  const cached = cache.get(clientId);
  if (cached && cached.expiresAt > Date.now()) return cached.client;
  const url = documentUrl(clientId, options.allowLoopbackHttp);
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'error',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new AuthzError('invalid_client', `The client metadata document at ${clientId} could not be fetched (${cause}; redirects are not followed)`);
  }
  if (!response.ok) throw new AuthzError('invalid_client', `The client metadata document at ${clientId} answered HTTP ${response.status}`);
  const text = await limitedText(response, options.maxBytes ?? 64 * 1024, clientId);
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AuthzError('invalid_client', `The client metadata document at ${clientId} is not JSON`);
  }
  if (typeof document !== 'object' || document === null || document.client_id !== clientId) {
    throw new AuthzError('invalid_client', `The client metadata document at ${clientId} must name itself as client_id`);
  }
  const method = document.token_endpoint_auth_method ?? 'none';
  if (method !== 'none' || 'client_secret' in document) {
    throw new AuthzError('invalid_client', `A client metadata document client must be public (token_endpoint_auth_method "none"), not "${String(method)}"`);
  }
  const client = clientFromMetadata({ ...document, token_endpoint_auth_method: 'none' }, clientId);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(clientId, { client, expiresAt: Date.now() + CACHE_MS });
  return client;
}

function documentUrl(clientId: string, allowLoopbackHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw new AuthzError('invalid_client', 'client_id is not a valid URL');
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && allowLoopbackHttp)) {
    throw new AuthzError('invalid_client', 'A URL client_id must use https');
  }
  if (url.pathname === '/' || url.hash || url.username || url.password) {
    throw new AuthzError('invalid_client', 'A URL client_id needs a path and no fragment or credentials');
  }
  // The server fetches what a stranger names: never its own machine or private networks (unless testing locally).
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if ((loopback && !allowLoopbackHttp) || (isIP(host) && privateAddress(host) && !(loopback && allowLoopbackHttp))) {
    throw new AuthzError('invalid_client', 'A URL client_id may not point at a loopback or private address');
  }
  return url;
}

function privateAddress(ip: string): boolean {
  if (ip.includes(':')) return /^(::1?|f[cd]|fe[89ab]|::ffff:)/i.test(ip);
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

/** The body as text, refused once it passes maxBytes (declared or streamed). */
async function limitedText(response: Response, maxBytes: number, clientId: string): Promise<string> {
  const tooLarge = () => new AuthzError('invalid_client', `The client metadata document at ${clientId} is larger than ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

import { type ClientRecord, clientFromMetadata } from './clients.js';
import { AuthzError } from './errors.js';
import { fetchPublic, type Resolve } from './public-fetch.js';
import { isLoopbackHost } from './redirect-uris.js';

export interface MetadataDocumentOptions {
  /** http on a loopback host (tests and local development); otherwise https only. */
  allowLoopbackHttp: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  /** How host names are resolved (tests); the system resolver otherwise. */
  resolve?: Resolve;
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
 * never a private address (the name is resolved and checked first, then connected to as checked), no redirects,
 * bounded size and time, `client_id` equal to the URL, public client only. Cached for five minutes.
 */
export async function fetchClientMetadata(clientId: string, options: MetadataDocumentOptions): Promise<ClientRecord> {
  const cached = cache.get(clientId);
  if (cached && cached.expiresAt > Date.now()) return cached.client;
  const url = documentUrl(clientId, options.allowLoopbackHttp);
  let fetched: { status: number; text: string };
  try {
    fetched = await fetchPublic(url, {
      allowPrivate: options.allowLoopbackHttp,
      timeoutMs: options.timeoutMs ?? 5_000,
      maxBytes: options.maxBytes ?? 64 * 1024,
      ...(options.resolve && { resolve: options.resolve }),
    });
  } catch (error) {
    throw new AuthzError('invalid_client', `The client metadata document at ${clientId} could not be fetched (${(error as Error).message})`);
  }
  if (fetched.status !== 200) {
    const redirect = fetched.status >= 300 && fetched.status < 400 ? '; redirects are not followed' : '';
    throw new AuthzError('invalid_client', `The client metadata document at ${clientId} answered HTTP ${fetched.status}${redirect}`);
  }
  const text = fetched.text;
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
  // The server fetches what a stranger names: never its own machine (fetchPublic checks what a name resolves to).
  if (loopback && !allowLoopbackHttp) throw new AuthzError('invalid_client', 'A URL client_id may not point at a loopback or private address');
  return url;
}

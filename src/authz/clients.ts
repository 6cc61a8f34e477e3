import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { fetchClientMetadata, isMetadataDocumentId } from './client-metadata.js';
import { AuthzError } from './errors.js';
import { redirectUriProblem } from './redirect-uris.js';
import type { AuthzStore } from './store.js';
import { hashSecret } from './tokens.js';

export type AuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

/** A client as this server knows it: registered (RFC 7591) or described by its client ID metadata document. */
export interface ClientRecord {
  client_id: string;
  redirect_uris: string[];
  token_endpoint_auth_method: AuthMethod;
  grant_types: string[];
  response_types: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  software_id?: string;
  software_version?: string;
  client_id_issued_at?: number;
  /** Hash of the client secret of a confidential client; the secret itself is shown once, at registration. */
  secret_hash?: string;
}

const text = (max: number) => z.string().max(max);

/** RFC 7591 client metadata this server understands; other members are ignored. */
export const clientMetadataSchema = z.object({
  redirect_uris: z.array(text(2000)).min(1, 'redirect_uris must list at least one URI').max(10, 'at most 10 redirect_uris'),
  token_endpoint_auth_method: z.enum(['none', 'client_secret_post', 'client_secret_basic']).optional(),
  grant_types: z.array(z.enum(['authorization_code', 'refresh_token'])).max(2).optional(),
  response_types: z.array(z.literal('code')).max(1).optional(),
  client_name: text(200).optional(),
  client_uri: text(2000).optional(),
  logo_uri: text(2000).optional(),
  scope: text(500).optional(),
  software_id: text(200).optional(),
  software_version: text(100).optional(),
});

/** Registered clients live this long after registration; a client that comes back after that registers again. */
const CLIENT_TTL_MS = 180 * 24 * 3600_000;

/** Turns validated metadata into a record, or names what is wrong with the spec's error code. */
export function clientFromMetadata(body: unknown, clientId: string): ClientRecord {
  const parsed = clientMetadataSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const code = issue.path[0] === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
    throw new AuthzError(code, `${issue.path.join('.') || 'metadata'}: ${issue.message}`);
  }
  const metadata = parsed.data;
  for (const uri of metadata.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new AuthzError('invalid_redirect_uri', `redirect_uris: ${problem}`);
  }
  return {
    ...metadata,
    client_id: clientId,
    // RFC 7591 §2: without a stated method the client authenticates with a secret (HTTP Basic).
    token_endpoint_auth_method: metadata.token_endpoint_auth_method ?? 'client_secret_basic',
    grant_types: metadata.grant_types ?? ['authorization_code'],
    response_types: metadata.response_types ?? ['code'],
  };
}

/** Client registration, lookup and authentication at the token and revocation endpoints. */
export class ClientRegistry {
  constructor(
    private readonly store: AuthzStore,
    private readonly metadataDocuments: { allowLoopbackHttp: boolean },
    private readonly now: () => number = Date.now,
  ) {}

  /** RFC 7591 §3: registers a client and answers its information (a secret only for confidential clients). */
  async register(body: unknown): Promise<Record<string, unknown>> {
    const clientId = `mcpc_${randomBytes(16).toString('base64url')}`;
    const client = clientFromMetadata(body, clientId);
    client.client_id_issued_at = Math.floor(this.now() / 1000);
    const secret = client.token_endpoint_auth_method === 'none' ? undefined : `mcps_${randomBytes(32).toString('base64url')}`;
    if (secret) client.secret_hash = hashSecret(secret);
    await this.store.put(`client:${clientId}`, client, CLIENT_TTL_MS);
    const { secret_hash: _hash, ...information } = client;
    return { ...information, ...(secret && { client_secret: secret, client_secret_expires_at: 0 }) };
  }

  /** The client a client_id names: a registered one, or the metadata document at that URL. */
  async find(clientId: string): Promise<ClientRecord | undefined> {
    if (isMetadataDocumentId(clientId)) return fetchClientMetadata(clientId, this.metadataDocuments);
    if (!/^mcpc_[A-Za-z0-9_-]{10,64}$/.test(clientId)) return undefined;
    return this.store.get<ClientRecord>(`client:${clientId}`);
  }

  /**
   * Authenticates the client of a token or revocation request (client_id in the body or HTTP Basic; a secret as
   * registered). Answers the client, or throws invalid_client.
   */
  async authenticate(req: IncomingMessage, form: URLSearchParams): Promise<ClientRecord> {
    const basic = basicCredentials(req);
    const clientId = basic?.id ?? form.get('client_id') ?? undefined;
    if (!clientId) throw new AuthzError('invalid_client', 'client_id is required');
    if (basic && form.get('client_id') && form.get('client_id') !== basic.id) throw new AuthzError('invalid_request', 'client_id differs from the Authorization header');
    const client = await this.find(clientId).catch((error: unknown) => {
      if (error instanceof AuthzError) throw new AuthzError('invalid_client', error.description);
      throw error;
    });
    if (!client) throw new AuthzError('invalid_client', 'Unknown client_id: register the client first (POST /register)');
    if (client.token_endpoint_auth_method === 'none') return client;
    const secret = client.token_endpoint_auth_method === 'client_secret_basic' ? basic?.secret : (form.get('client_secret') ?? undefined);
    if (!secret || !client.secret_hash || !sameHash(hashSecret(secret), client.secret_hash)) {
      throw new AuthzError('invalid_client', `Client authentication failed (${client.token_endpoint_auth_method})`);
    }
    return client;
  }
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** HTTP Basic client credentials, form-urlencoded inside base64 (RFC 6749 §2.3.1). */
function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

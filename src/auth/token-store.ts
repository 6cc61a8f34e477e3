/** Which kind of OAuth install the tokens belong to: one sub-account, or an agency (company). */
export type UserType = 'Location' | 'Company';

/** One OAuth grant as saved: the rotating pair plus what GHL said about it. Never logged. */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token stops working. */
  expiresAt: number;
  userType: UserType;
  /** Space-separated, as GHL sends it. */
  scope?: string;
  locationId?: string;
  companyId?: string;
  userId?: string;
  /** The OAuth app the grant belongs to: a refresh needs the same client. */
  clientId?: string;
  approvedLocations?: string[];
  /** Epoch milliseconds of the last write, so `auth status` can say when the pair last rotated. */
  savedAt: number;
}

/**
 * Where OAuth tokens live between runs and across processes. A save is all-or-nothing: after a crash the store
 * holds either the previous pair or the new one, never a mix or a partial write.
 */
export interface TokenStore {
  /** Where the tokens are kept, for people (a path or a Redis key; never a secret). */
  readonly location: string;
  load(): Promise<StoredTokens | undefined>;
  save(tokens: StoredTokens): Promise<void>;
  clear(): Promise<void>;
  /** Runs `work` while no other process sharing this store holds the refresh lock. */
  withLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class TokenStoreError extends Error {}

/** Parses what a store read back; a damaged record is an error, not "logged out". */
export function parseStoredTokens(text: string, where: string): StoredTokens {
  let value: Partial<StoredTokens>;
  try {
    value = JSON.parse(text) as Partial<StoredTokens>;
  } catch {
    throw new TokenStoreError(`The token store at ${where} is not valid JSON; run \`ghl-mcp auth login\` again.`);
  }
  const valid =
    typeof value === 'object' &&
    value !== null &&
    typeof value.accessToken === 'string' &&
    typeof value.refreshToken === 'string' &&
    typeof value.expiresAt === 'number' &&
    (value.userType === 'Location' || value.userType === 'Company');
  if (!valid) throw new TokenStoreError(`The token store at ${where} is incomplete; run \`ghl-mcp auth login\` again.`);
  return value as StoredTokens;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

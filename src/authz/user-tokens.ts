import { MissingCredentialsError, type TokenSource } from '../client/ghl-client.js';
import { LOGIN_FIX } from '../auth/refresher.js';

export const SIGNIN_FIX = 'Sign in again: reconnect (re-authenticate) this server in your MCP client and pick the location again.';

/**
 * A signed-in person's GHL tokens (their stored grant, refreshed by the server). The refresher speaks to an
 * operator (`ghl-mcp auth login`); a person at an MCP client fixes a lost grant by signing in again, so that is
 * what their errors say — and `lost` revokes their MCP tokens, so their client's next request gets a 401 and
 * starts the sign-in by itself.
 */
export class SignedInTokenSource implements TokenSource {
  constructor(
    private readonly inner: TokenSource,
    private readonly lost: () => Promise<void>,
  ) {}

  async token(resource: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    try {
      return await this.inner.token(resource, signal);
    } catch (error) {
      throw this.personal(error);
    }
  }

  async onUnauthorized(resource: string | undefined, token: string, body: string, signal?: AbortSignal): Promise<boolean> {
    try {
      return (await this.inner.onUnauthorized?.(resource, token, body, signal)) ?? false;
    } catch (error) {
      throw this.personal(error);
    }
  }

  /** A grant that is gone or refused for good (not GHL being unreachable) ends the person's MCP tokens too. */
  private personal(error: unknown): unknown {
    if (!(error instanceof MissingCredentialsError)) return error;
    const gone = error.message.startsWith('No GHL credentials');
    if (!gone && error.hint !== LOGIN_FIX && !error.hint?.includes('auth login')) return error;
    void this.lost().catch(() => {});
    return new MissingCredentialsError(gone ? 'No HighLevel grant is stored for this sign-in (it was disconnected).' : error.message, SIGNIN_FIX);
  }
}

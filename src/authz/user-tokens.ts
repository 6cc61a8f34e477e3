import { MissingCredentialsError, type TokenSource } from '../client/ghl-client.js';
import { LOGIN_FIX } from '../auth/refresher.js';

export const SIGNIN_FIX = 'Sign in again: reconnect (re-authenticate) this server in your MCP client and pick the location again.';

/**
 * A signed-in person's GHL tokens (their stored grant, refreshed by the server). The refresher speaks to an
 * operator (`ghl-mcp auth login`); a person at an MCP client fixes a lost grant by signing in again, so that is
 * what their errors say.
 */
export class SignedInTokenSource implements TokenSource {
  constructor(private readonly inner: TokenSource) {}

  async token(resource: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    try {
      return await this.inner.token(resource, signal);
    } catch (error) {
      throw personal(error);
    }
  }

  async onUnauthorized(resource: string | undefined, token: string, body: string, signal?: AbortSignal): Promise<boolean> {
    try {
      return (await this.inner.onUnauthorized?.(resource, token, body, signal)) ?? false;
    } catch (error) {
      throw personal(error);
    }
  }
}

function personal(error: unknown): unknown {
  if (!(error instanceof MissingCredentialsError)) return error;
  if (error.message.startsWith('No GHL credentials')) return new MissingCredentialsError('No HighLevel grant is stored for this sign-in (it was disconnected).', SIGNIN_FIX);
  if (error.hint === LOGIN_FIX || error.hint?.includes('auth login')) return new MissingCredentialsError(error.message, SIGNIN_FIX);
  return error;
}

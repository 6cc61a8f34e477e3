import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredTokens } from '../auth/token-store.js';
import type { Logger } from '../logger.js';
import type { Endpoints } from './endpoints.js';
import { type GrantStores, subjectOf } from './grants.js';
import { fromThisBrowser, sendConfirmPage, sendDonePage, sendErrorPage } from './pages.js';
import type { AuthzStore } from './store.js';
import { hashSecret, type TokenService } from './tokens.js';

export const DISCONNECT_CONFIRM_PATH = '/disconnect/confirm';

/**
 * A person ends their connection: every MCP token family of theirs is revoked, the clients they allowed are
 * forgotten and their GHL grant is deleted. From an MCP client (POST /disconnect with its token) or from a
 * browser (GET /disconnect: sign in with HighLevel to say who you are, then confirm).
 */
export class Disconnection {
  constructor(
    private readonly deps: { store: AuthzStore; tokens: TokenService; grants: GrantStores; endpoints: Endpoints; logger: Logger },
  ) {}

  async disconnect(subject: string, how: string): Promise<number> {
    const { store, tokens, grants, logger } = this.deps;
    const revoked = await tokens.revokeSubject(subject, 'the user disconnected');
    const consents = await store.members(`consents:${subject}`);
    await store.delete(...consents, `consents:${subject}`);
    const grantStore = grants.forSubject(subject);
    try {
      await grantStore.withLock(() => grantStore.clear());
    } finally {
      await grantStore.close();
    }
    logger.info({ audit: 'disconnect', subject, revokedFamilies: revoked, how }, 'sign-in: user disconnected; GHL grant deleted');
    return revoked;
  }

  /** Back from GHL's chooser: the fresh grant only proves who this is; it is never stored. */
  async signedIn(res: ServerResponse, grant: StoredTokens): Promise<void> {
    const subject = subjectOf(grant);
    const request = randomBytes(24).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await this.deps.store.put(`leave-request:${hashSecret(request)}`, { subject, csrf }, 10 * 60_000);
    const account = grant.userType === 'Company' ? `agency ${grant.companyId ?? ''}` : `location ${grant.locationId ?? ''}`;
    sendConfirmPage(res, {
      title: 'Disconnect from ghl-mcp?',
      text: `Every MCP client you connected with HighLevel (${account}) loses access, and this server deletes the HighLevel grant it holds for you.`,
      action: DISCONNECT_CONFIRM_PATH,
      button: 'Disconnect',
      request,
      csrf,
      secureCookie: this.deps.endpoints.issuer.startsWith('https:'),
    });
  }

  async confirm(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): Promise<void> {
    const key = `leave-request:${hashSecret(form.get('request') ?? '')}`;
    const request = await this.deps.store.get<{ subject: string; csrf: string }>(key);
    if (!request) return sendErrorPage(res, 400, 'Expired', 'This page was already answered or is more than 10 minutes old. Open /disconnect again.');
    if (!fromThisBrowser(req, form, request.csrf)) return sendErrorPage(res, 403, 'Not accepted', 'The form did not come from the page this server showed in this browser.');
    if (!(await this.deps.store.take(key))) return sendErrorPage(res, 400, 'Expired', 'This page was already answered.');
    const revoked = await this.disconnect(request.subject, 'browser');
    sendDonePage(res, 'Disconnected', `${revoked} connection(s) ended and your HighLevel grant deleted. Your MCP clients will ask you to sign in again.`);
  }
}

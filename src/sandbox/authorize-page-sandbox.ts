import { randomBytes } from 'node:crypto';
import { MODULES } from '../../tools/index.js';
import { FakeOAuth } from './fake-oauth.js';
import type { Sandbox } from './sandbox.js';
import { LOCATION } from './seed-data.js';

export interface SandboxSignIn {
  /** The sandbox's "marketplace app": what the server federates to GHL with. */
  clientId: string;
  clientSecret: string;
  /** Where GHL's "choose location" page lives (the server's `--auth-url`): the sandbox itself. */
  authUrl: string;
  oauth: FakeOAuth;
}

/**
 * Turns on "Sign in with HighLevel" on the sandbox's fake GHL: the chooser page (sign in as one of the demo
 * location's users, pick the location or the agency) and the token endpoint with rotating refresh tokens. Every
 * sign-in gets its own tokens, granted every scope the catalog names, so each user's calls reach the fake with
 * their own token and their own rate budget.
 */
export function enableSandboxSignIn(sandbox: Sandbox, options: { accessTtlSeconds?: number } = {}): SandboxSignIn {
  const clientId = `${randomBytes(12).toString('hex')}-sandbox`;
  const clientSecret = `sandbox-secret-${randomBytes(18).toString('base64url')}`;
  const users = sandbox.store
    .collection('users')
    .all()
    .map((user) => ({ id: String(user.id), name: String(user.name) }));
  const oauth = new FakeOAuth({
    clientId,
    clientSecret,
    consent: { userType: 'Location', scopes: catalogScopes(), locationId: sandbox.locationId, companyId: sandbox.companyId },
    locations: [{ _id: sandbox.locationId, name: LOCATION.name, address: LOCATION.address }],
    chooser: { users, companyId: sandbox.companyId },
    accessTtlSeconds: options.accessTtlSeconds,
  }).install(sandbox.fake);
  return { clientId, clientSecret, authUrl: sandbox.baseUrl, oauth };
}

/** Every scope some catalog operation asks for: the sandbox's app is granted all of them. */
function catalogScopes(): string[] {
  return [...new Set(MODULES.flatMap((module) => module.tools.flatMap((entry) => entry.scopes ?? [])))].sort();
}

import { stat } from 'node:fs/promises';
import { Catalog, type CatalogTool } from '../catalog/catalog.js';
import { GhlClient, type GhlResponse, MissingCredentialsError } from '../client/ghl-client.js';
import type { Config } from '../config.js';
import { type Logger, scrubSecrets } from '../logger.js';
import { buildRequest, UnsafeArgumentError } from '../request.js';
import { ToolSelection } from '../toolsets/selection.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { type Auth, createAuth } from './auth.js';
import { meansExpired } from './oauth-source.js';
import { LOGIN_FIX } from './refresher.js';
import type { StoredTokens, TokenStore } from './token-store.js';

type Level = 'ok' | 'info' | 'warn' | 'fail';

interface Finding {
  level: Level;
  text: string;
  fix?: string;
}

const MARKS: Record<Level, string> = { ok: 'ok  ', info: 'info', warn: 'warn', fail: 'FAIL' };
const PIT_FIX = 'Create a Private Integration Token in GHL (Settings → Private Integrations) with the scopes you need, and set GHL_API_KEY to it.';

/** Prints every finding with its fix; exit code 1 when anything failed. */
export async function runDoctor(config: Config, logger: Logger, store: TokenStore, out: (text: string) => void): Promise<number> {
  const findings = await diagnose(config, logger, store);
  for (const finding of findings) out(`${MARKS[finding.level]}  ${finding.text}${finding.fix ? `\n      fix: ${finding.fix}` : ''}`);
  const failed = findings.filter((finding) => finding.level === 'fail').length;
  out(failed === 0 ? '\nNo problems found.' : `\n${failed} problem(s) found.`);
  return failed === 0 ? 0 : 1;
}

/** Configuration, credentials, token validity and type, location access, scopes of the enabled tools, reachability. */
async function diagnose(config: Config, logger: Logger, store: TokenStore): Promise<Finding[]> {
  const findings: Finding[] = [{ level: 'info', text: `GHL API: ${config.baseUrl}` }];
  const auth = createAuth(config, logger, store);
  const client = new GhlClient(config.baseUrl, auth.tokens, config.timeouts);
  try {
    const grant = auth.kind === 'oauth' ? await checkOAuth(config, auth, store, findings) : undefined;
    if (auth.kind === 'pit') findings.push({ level: 'ok', text: 'Credentials: the Private Integration Token in GHL_API_KEY' });
    if (auth.kind === 'oauth' && !grant) return findings;
    const reachable = grant?.userType === 'Company' ? await checkInstalledLocations(config, auth, grant, findings) : true;
    if (reachable) await probeAccess(config, client, auth, grant, findings);
    checkScopes(config, grant, findings);
  } catch (error) {
    findings.push({ level: 'fail', text: (error as Error).message, fix: (error as { hint?: string }).hint });
  } finally {
    await client.close();
    await auth.close();
  }
  const secrets = auth.secrets();
  return findings.map((finding) => ({ ...finding, text: scrubSecrets(finding.text, secrets) }));
}

async function checkOAuth(config: Config, auth: Auth, store: TokenStore, findings: Finding[]): Promise<StoredTokens | undefined> {
  if (config.tokenStore === 'file') {
    const mode = await stat(config.tokenFile).then((info) => info.mode & 0o777, () => undefined);
    if (mode !== undefined && (mode & 0o077) !== 0) {
      findings.push({ level: 'fail', text: `${config.tokenFile} is readable by other users (mode ${mode.toString(8)})`, fix: `chmod 600 ${config.tokenFile}` });
    }
  }
  const stored = await store.load();
  if (!stored) {
    findings.push({
      level: 'fail',
      text: `No credentials: GHL_API_KEY is not set and there are no OAuth tokens in ${store.location}`,
      fix: 'Set GHL_API_KEY to a Private Integration Token, or run `ghl-mcp auth login`.',
    });
    return undefined;
  }
  if (!config.clientId || !config.clientSecret) {
    findings.push({ level: 'fail', text: 'GHL_CLIENT_ID / GHL_CLIENT_SECRET are not set: the OAuth tokens cannot be refreshed', fix: 'Set both to the values of the Marketplace app you logged in with.' });
  } else if (stored.clientId && stored.clientId !== config.clientId) {
    findings.push({ level: 'fail', text: `The stored tokens belong to client ${stored.clientId}, but GHL_CLIENT_ID is ${config.clientId}`, fix: LOGIN_FIX });
  }
  const grant = await auth.oauth!.refresher.current();
  const whom = grant!.userType === 'Company' ? `agency (Company) ${grant!.companyId}` : `sub-account (Location) ${grant!.locationId}`;
  findings.push({ level: 'ok', text: `Credentials: OAuth tokens for ${whom} in ${store.location}, valid until ${new Date(grant!.expiresAt).toISOString()}` });
  return grant;
}

/** False when the configured location is not one the agency grant reaches (nothing more to try there). */
async function checkInstalledLocations(config: Config, auth: Auth, grant: StoredTokens, findings: Finding[]): Promise<boolean> {
  const installed = await auth.oauth!.locations.installed(grant);
  const names = installed.map((location) => (location.name ? `${location.id} (${location.name})` : location.id));
  findings.push({ level: 'ok', text: `The app is installed in ${installed.length} location(s) of company ${grant.companyId}: ${listed(names)}` });
  if (!config.locationId) {
    findings.push({ level: 'warn', text: 'GHL_LOCATION_ID is not set: location tools get a location token only when the call names its locationId', fix: 'Set GHL_LOCATION_ID to the location the agent works in.' });
  } else if (!installed.some((location) => location.id === config.locationId)) {
    findings.push({
      level: 'fail',
      text: `GHL_LOCATION_ID ${config.locationId} is not among the locations the app is installed in`,
      fix: `Install the app in ${config.locationId}, or set GHL_LOCATION_ID to one of: ${listed(installed.map((location) => location.id))}.`,
    });
    return false;
  }
  return true;
}

/** One read of the configured location (or company): proves reachability, the token, its type and its access. */
async function probeAccess(config: Config, client: GhlClient, auth: Auth, grant: StoredTokens | undefined, findings: Finding[]): Promise<void> {
  if (grant?.userType === 'Location' && config.locationId && config.locationId !== grant.locationId) {
    findings.push({
      level: 'fail',
      text: `GHL_LOCATION_ID is ${config.locationId}, but the OAuth token belongs to location ${grant.locationId}`,
      fix: `Set GHL_LOCATION_ID=${grant.locationId}, or run \`ghl-mcp auth login\` and choose ${config.locationId}.`,
    });
  }
  const locationId = config.locationId ?? grant?.locationId;
  const companyId = config.companyId ?? grant?.companyId;
  const catalog = new Catalog(MODULES, OVERLAYS);
  const probe = locationId
    ? { tool: catalog.get('locations_get_location')!, args: { locationId }, what: `location ${locationId}` }
    : companyId
      ? { tool: catalog.get('companies_get_company')!, args: { companyId }, what: `company ${companyId}` }
      : undefined;
  if (!probe) {
    findings.push({ level: 'warn', text: 'Neither GHL_LOCATION_ID nor GHL_COMPANY_ID is set, so the token was not tried', fix: 'Set GHL_LOCATION_ID (or GHL_COMPANY_ID for an agency token) and run doctor again.' });
    return;
  }
  let response: GhlResponse;
  try {
    response = await client.send(buildRequest(probe.tool.entry, probe.args));
  } catch (error) {
    if (error instanceof MissingCredentialsError) {
      findings.push({ level: 'fail', text: error.message, fix: error.hint });
      return;
    }
    if (error instanceof UnsafeArgumentError) {
      findings.push({ level: 'fail', text: `GHL_LOCATION_ID / GHL_COMPANY_ID is not a plain ID (${error.message})`, fix: 'Copy the ID from the GHL settings page exactly.' });
      return;
    }
    const cause = error as Error & { code?: string };
    const fix = `Check the network, a proxy, or GHL_BASE_URL (${config.baseUrl}).`;
    findings.push({ level: 'fail', text: `Could not reach GHL for ${probe.what}: ${cause.code ?? ''} ${cause.message}`.replace(/\s+/g, ' '), fix });
    return;
  }
  findings.push(interpretProbe(response, probe.what, probe.tool, auth.kind));
}

function interpretProbe(response: GhlResponse, what: string, tool: CatalogTool, kind: Auth['kind']): Finding {
  const message = ghlMessage(response);
  const refreshFix = kind === 'pit' ? PIT_FIX : LOGIN_FIX;
  if (response.status >= 200 && response.status < 300) return { level: 'ok', text: `GHL is reachable and the token can read ${what}` };
  if (response.status === 401 && /scope/i.test(message)) {
    return { level: 'warn', text: `The token is valid but lacks ${tool.entry.scopes?.join(' / ')}, so ${what} could not be read (${message})`, fix: kind === 'pit' ? PIT_FIX : 'Add the scope to the app and log in again.' };
  }
  if (response.status === 401 && /authClass|not allowed/i.test(message)) {
    return {
      level: 'fail',
      text: `The token is the wrong type for ${what}: ${message}`,
      fix: kind === 'pit' ? 'Use a sub-account Private Integration Token for location tools, an agency one for agency tools.' : 'Run `ghl-mcp auth login --user-type Company` for agency tools (location tokens are then minted per location).',
    };
  }
  if (response.status === 401) {
    return { level: 'fail', text: `GHL refuses the token (${meansExpired(message) ? 'invalid or expired' : 'unauthorized'}): ${message}`, fix: refreshFix };
  }
  if (response.status === 403) {
    return { level: 'fail', text: `The token has no access to ${what}: ${message}`, fix: 'GHL_LOCATION_ID must name the location the token belongs to (or one the app is installed in).' };
  }
  if (response.status === 404) return { level: 'fail', text: `GHL does not know ${what}: ${message}`, fix: 'Check GHL_LOCATION_ID / GHL_COMPANY_ID (Settings → Business Profile shows the location ID).' };
  return { level: 'warn', text: `GHL answered HTTP ${response.status} for ${what}: ${message}` };
}

/** Every enabled tool needs one of its scopes; the OAuth grant says which it has. A PIT's scopes cannot be read. */
function checkScopes(config: Config, grant: StoredTokens | undefined, findings: Finding[]): void {
  const tools = ToolSelection.create(new Catalog(MODULES, OVERLAYS), config.selection).listed();
  const needed = new Map<string, string[]>();
  for (const tool of tools) {
    const scope = tool.entry.scopes?.[0];
    if (scope && !tool.entry.scopes!.some((candidate) => granted(grant, candidate))) needed.set(scope, [...(needed.get(scope) ?? []), tool.name]);
  }
  if (!grant) {
    findings.push({ level: 'info', text: `GHL does not report a Private Integration Token's scopes; the ${tools.length} enabled tools need: ${[...needed.keys()].sort().join(' ') || 'none'}` });
    return;
  }
  if (needed.size === 0) {
    findings.push({ level: 'ok', text: `The token has every scope the ${tools.length} enabled tools need` });
  } else {
    const lines = [...needed].sort().map(([scope, names]) => `\n        ${scope} (${listed(names)})`);
    findings.push({
      level: 'fail',
      text: `The token lacks ${needed.size} scope(s) that enabled tools need:${lines.join('')}`,
      fix: `Add them to the app's scopes in the Marketplace and run \`ghl-mcp auth login --scope "..."\` again, or enable fewer toolsets (--toolsets).`,
    });
  }
  const agencyOnly = tools.filter((tool) => tool.entry.tokens?.length === 1 && tool.entry.tokens[0] === 'agency');
  if (grant.userType === 'Location' && agencyOnly.length > 0) {
    findings.push({ level: 'warn', text: `${agencyOnly.length} enabled tool(s) need an agency token and will fail with this sub-account token: ${listed(agencyOnly.map((tool) => tool.name))}`, fix: 'Log in with --user-type Company, or leave those toolsets out.' });
  }
}

function granted(grant: StoredTokens | undefined, scope: string): boolean {
  return grant?.scope?.split(' ').includes(scope) ?? false;
}

function ghlMessage(response: GhlResponse): string {
  try {
    const body = JSON.parse(response.text) as { message?: unknown; error?: unknown };
    const message = body.message ?? body.error;
    return Array.isArray(message) ? message.join('; ') : String(message ?? response.text);
  } catch {
    return response.text.slice(0, 200) || `HTTP ${response.status}`;
  }
}

function listed(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

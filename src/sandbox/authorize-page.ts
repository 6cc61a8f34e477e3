import type { FakeRequest, FakeResponse } from './fake-ghl.js';

/** A GHL user who can sign in on the fake's "choose location" page. */
export interface FakeGhlUser {
  id: string;
  name: string;
}

/** What the person picked on the page: one installed location, or the agency (company) itself. */
export type ChooserChoice = { kind: 'location'; locationId: string; userId: string } | { kind: 'company'; userId: string };

export interface ChooserOptions {
  clientId: string;
  companyId?: string;
  locations: { _id: string; name: string }[];
  users: FakeGhlUser[];
}

/** The authorization request as GHL takes it: the query of the GET, repeated as hidden fields of the POST. */
const CARRIED = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'user_type'] as const;

export const CHOOSER_PATH = '/v2/oauth/chooselocation';

/**
 * GHL's "choose location" step: who signs in, and which location (or the agency) the app gets. One form, one submit
 * button per choice, so a test (or a script standing in for a browser) picks by posting `choice=...`.
 */
export function renderChooser(request: FakeRequest, options: ChooserOptions): FakeResponse {
  const refusal = checkRequest(request.query, options);
  if (refusal) return refusal;
  const hidden = CARRIED.flatMap((name) => {
    const value = request.query.get(name);
    return value === null ? [] : [`<input type="hidden" name="${name}" value="${escape(value)}">`];
  });
  const users = options.users.map((user) => `<option value="${escape(user.id)}">${escape(user.name)}</option>`);
  const locations = options.locations.map(
    (location) => `<li><button type="submit" name="choice" value="location:${escape(location._id)}">${escape(location.name)}</button></li>`,
  );
  const agency = options.companyId ? [`<li><button type="submit" name="choice" value="company">The agency (all its locations)</button></li>`] : [];
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>Choose a location — sandbox GHL</title></head><body>',
    '<h1>Choose the account to connect</h1>',
    `<form method="post" action="${CHOOSER_PATH}">`,
    ...hidden,
    `<label>Signed in as <select name="user">${users.join('')}</select></label>`,
    `<ul>${[...locations, ...agency].join('')}</ul>`,
    '</form></body></html>',
  ].join('\n');
  return { status: 200, body: html, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } };
}

/** Reads the posted choice; the authorization request's fields come back from the form's hidden inputs. */
export function readChoice(request: FakeRequest, options: ChooserOptions): { choice: ChooserChoice; form: URLSearchParams } | FakeResponse {
  const form = new URLSearchParams(request.body);
  const refusal = checkRequest(form, options);
  if (refusal) return refusal;
  const userId = form.get('user') ?? options.users[0]?.id;
  if (!userId || !options.users.some((user) => user.id === userId)) return badRequest(`Unknown user ${form.get('user')}`);
  const picked = form.get('choice') ?? '';
  if (picked === 'company' && options.companyId) return { choice: { kind: 'company', userId }, form };
  const locationId = /^location:(.+)$/.exec(picked)?.[1];
  if (locationId && options.locations.some((location) => location._id === locationId)) return { choice: { kind: 'location', locationId, userId }, form };
  return badRequest(`choice must be location:<one of the listed locations> or company, not "${picked}"`);
}

/** GHL answers a chooser request for another app, or without a redirect, with a 400 and no page. */
function checkRequest(fields: URLSearchParams, options: ChooserOptions): FakeResponse | undefined {
  if (fields.get('client_id') !== options.clientId || fields.get('response_type') !== 'code' || !fields.get('redirect_uri')) {
    return badRequest('Invalid client_id, response_type or redirect_uri');
  }
  return undefined;
}

function badRequest(message: string): FakeResponse {
  return { status: 400, body: { statusCode: 400, message } };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The cookie that binds a consent form to the browser it was shown to (double-submit CSRF token). */
export const CSRF_COOKIE = 'ghl_mcp_csrf';

export interface ConsentPage {
  request: string;
  csrf: string;
  clientName: string;
  clientId: string;
  redirectHost: string;
  /** What the user signed in to GHL with: "location X" or "agency Y". */
  account: string;
  readOnly: boolean;
  /** Agency grants: the locations to choose from ("" = the agency itself). */
  locations?: { id: string; name?: string }[];
  /** Over plain http on loopback (tests, local use) the cookie cannot be Secure. */
  secureCookie: boolean;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Pages are never framed (clickjacking of the allow button) and never cached. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}select{font-size:1rem;padding:.3rem;width:100%}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The consent page: who asks, for which account, with a location choice for agency grants. */
export function sendConsentPage(res: ServerResponse, view: ConsentPage): void {
  const locations = view.locations
    ? `<p><label for="location">Location this connection works in</label><br><select id="location" name="location"><option value="">The whole agency (no single location)</option>${view.locations
        .map((location) => `<option value="${escape(location.id)}">${escape(location.name ? `${location.name} (${location.id})` : location.id)}</option>`)
        .join('')}</select></p>`
    : '';
  const body = `<h1>Connect ${escape(view.clientName)} to HighLevel?</h1>
<p><strong>${escape(view.clientName)}</strong> (client <code>${escape(view.clientId)}</code>, returning to <code>${escape(view.redirectHost)}</code>) asks to use ghl-mcp with ${escape(view.account)}${view.readOnly ? ', read-only' : ''}.</p>
<p>It will call the HighLevel API as you, with the permissions your HighLevel sign-in granted. You can disconnect at any time.</p>
<form id="consent" method="post" action="/consent">
<input type="hidden" name="request" value="${escape(view.request)}">
<input type="hidden" name="csrf" value="${escape(view.csrf)}">
${locations}
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button>
</form>`;
  res.writeHead(200, { ...PAGE_HEADERS, 'set-cookie': csrfCookie(view.csrf, view.secureCookie) });
  res.end(page('Connect to HighLevel', body));
}

/** An error shown to the person in the browser, when redirecting to the client would be unsafe or impossible. */
export function sendErrorPage(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(page(title, `<h1>${escape(title)}</h1><p>${escape(detail)}</p>`));
}

/** A confirmation page: one button that posts `request` and `csrf` to `action` (disconnect). */
export function sendConfirmPage(res: ServerResponse, view: { title: string; text: string; action: string; button: string; request: string; csrf: string; secureCookie: boolean }): void {
  const body = `<h1>${escape(view.title)}</h1><p>${escape(view.text)}</p>
<form id="confirm" method="post" action="${escape(view.action)}">
<input type="hidden" name="request" value="${escape(view.request)}">
<input type="hidden" name="csrf" value="${escape(view.csrf)}">
<button type="submit" name="decision" value="confirm">${escape(view.button)}</button>
</form>`;
  res.writeHead(200, { ...PAGE_HEADERS, 'set-cookie': csrfCookie(view.csrf, view.secureCookie) });
  res.end(page(view.title, body));
}

/** A page that only says what happened. */
export function sendDonePage(res: ServerResponse, title: string, text: string): void {
  res.writeHead(200, PAGE_HEADERS);
  res.end(page(title, `<h1>${escape(title)}</h1><p>${escape(text)}</p>`));
}

function csrfCookie(csrf: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${csrf}; HttpOnly; SameSite=Strict; Path=/; Max-Age=600${secure ? '; Secure' : ''}`;
}

/** The form came from the page this server showed in this browser: its CSRF field and cookie both match. */
export function fromThisBrowser(req: IncomingMessage, form: URLSearchParams, expected: string): boolean {
  return same(form.get('csrf') ?? '', expected) && same(cookie(req.headers.cookie, CSRF_COOKIE) ?? '', expected);
}

export function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length > 0 && left.length === right.length && timingSafeEqual(left, right);
}

/** The cookie value a request carries, if any. */
export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

#!/usr/bin/env node
/**
 * A headless stand-in for the person at the browser during "Sign in with HighLevel", so the whole flow runs in tests:
 * given an authorization URL it follows redirects, keeps cookies, and submits each HTML form it meets by pressing a
 * button whose value it was told to press (`allow` on the server's consent page, `location:<id>` or `company` on
 * GHL's chooser), with the fields it was given filled in (`user`, `location`).
 *
 * As a command (mcp-remote's BROWSER, or by hand): `mcp-remote-browser.mjs <url>`, with
 *   SIGNIN_PRESS   button values to press, comma-separated, first match wins (default: allow)
 *   SIGNIN_FIELDS  form fields to set, as a query string (`user=abc&location=def`)
 *   SIGNIN_LOG     a file that gets one JSON line per run: the steps (method, origin + path, status) and any error
 * Tests in process import `signIn()`.
 */
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Walks from `startUrl` until a page without a form (the client's "you may close this window"), or until `stopAt`
 * says the next URL is the client's redirect (tests that handle the callback themselves).
 */
export async function signIn(startUrl, { press = ['allow'], fields = {}, stopAt, maxSteps = 20 } = {}) {
  const cookies = new Map();
  const steps = [];
  let next = { url: new URL(startUrl), method: 'GET', body: undefined };
  for (let step = 0; step < maxSteps; step++) {
    if (stopAt?.(next.url)) return { url: next.url, steps };
    const headers = { accept: 'text/html,application/json' };
    if (cookies.size > 0) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (next.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(next.url, { method: next.method, headers, body: next.body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    steps.push({ method: next.method, url: `${next.url.origin}${next.url.pathname}`, status: response.status });
    if (REDIRECTS.has(response.status)) {
      next = { url: new URL(response.headers.get('location'), next.url), method: 'GET', body: undefined };
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`${next.method} ${next.url.pathname} answered ${response.status}: ${page.slice(0, 300)}`);
    const submit = submission(page, press, fields);
    if (!submit) return { url: next.url, steps, page };
    const target = new URL(submit.action || next.url.href, next.url);
    if (submit.method === 'GET') {
      target.search = submit.body;
      next = { url: target, method: 'GET', body: undefined };
    } else {
      next = { url: target, method: 'POST', body: submit.body };
    }
  }
  throw new Error(`no end after ${maxSteps} steps: ${steps.map((s) => `${s.method} ${s.url} ${s.status}`).join(' → ')}`);
}

/** The form to submit and its body, or undefined on a page with no form. A form whose buttons match none is an error. */
function submission(page, press, fields) {
  const forms = [...page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(([, attrs, inner]) => ({ attrs: attributes(attrs), inner }));
  if (forms.length === 0) return undefined;
  const offered = [];
  for (const value of press) {
    for (const form of forms) {
      const button = buttons(form.inner).find((candidate) => candidate.value === value);
      offered.push(...buttons(form.inner).map((candidate) => candidate.value));
      if (!button) continue;
      const body = new URLSearchParams();
      for (const [name, current] of formFields(form.inner)) body.set(name, name in fields ? fields[name] : current);
      if (button.name) body.set(button.name, button.value);
      return { action: form.attrs.action, method: (form.attrs.method ?? 'GET').toUpperCase(), body: body.toString() };
    }
  }
  throw new Error(`none of [${press.join(', ')}] on the page; its buttons: [${[...new Set(offered)].join(', ')}]`);
}

/** Inputs (hidden, text, checked boxes) and selects (the selected option, else the first), in document order. */
function formFields(inner) {
  const found = [];
  const tags = /<input\b([^>]*)>|<select\b([^>]*)>([\s\S]*?)<\/select>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi;
  for (const [, input, select, options, textarea, text] of inner.matchAll(tags)) {
    const named = attributes(input ?? select ?? textarea);
    if (!named.name) continue;
    if (select !== undefined) {
      const listed = [...options.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/gi)].map(([, optionAttrs, label]) => ({ ...attributes(optionAttrs), label }));
      const chosen = listed.find((option) => 'selected' in option) ?? listed[0];
      found.push([named.name, chosen ? (chosen.value ?? decode(chosen.label.trim())) : '']);
    } else if (textarea !== undefined) {
      found.push([named.name, decode(text)]);
    } else {
      const type = (named.type ?? 'text').toLowerCase();
      if (['submit', 'button', 'image', 'reset'].includes(type)) continue;
      if (['checkbox', 'radio'].includes(type) && !('checked' in named)) continue;
      found.push([named.name, named.value ?? '']);
    }
  }
  return found;
}

function buttons(inner) {
  const found = [];
  for (const [, attrs] of inner.matchAll(/<button\b([^>]*)>/gi)) {
    const named = attributes(attrs);
    if ((named.type ?? 'submit').toLowerCase() === 'submit') found.push({ name: named.name, value: named.value ?? '' });
  }
  for (const [, attrs] of inner.matchAll(/<input\b([^>]*)>/gi)) {
    const named = attributes(attrs);
    if ((named.type ?? '').toLowerCase() === 'submit') found.push({ name: named.name, value: named.value ?? '' });
  }
  return found;
}

function attributes(text) {
  const found = {};
  for (const [, name, double, single, bare] of text.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    found[name.toLowerCase()] = decode(double ?? single ?? bare ?? '');
  }
  return found;
}

function decode(text) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code) => {
    if (code[0] === '#') return String.fromCodePoint(code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1)));
    return named[code.toLowerCase()] ?? whole;
  });
}

async function main() {
  const url = process.argv[2];
  const press = (process.env.SIGNIN_PRESS ?? 'allow').split(',').filter(Boolean);
  const fields = Object.fromEntries(new URLSearchParams(process.env.SIGNIN_FIELDS ?? ''));
  const log = (entry) => process.env.SIGNIN_LOG && appendFileSync(process.env.SIGNIN_LOG, `${JSON.stringify(entry)}\n`);
  try {
    if (!url) throw new Error('usage: mcp-remote-browser.mjs <authorization url>');
    const { steps } = await signIn(url, { press, fields });
    log({ ok: true, steps });
  } catch (error) {
    log({ ok: false, error: error.message });
    process.stderr.write(`mcp-remote-browser: ${error.message}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

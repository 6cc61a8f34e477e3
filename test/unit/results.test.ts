import { describe, expect, it } from 'vitest';
import { CatalogTool } from '../../src/catalog/catalog.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import { ConfigError, parseCli } from '../../src/config.js';
import { errorResult, successResult, toWire, upstreamErrorResult } from '../../src/results.js';

const tool = (overrides: Partial<ToolEntry> = {}) =>
  new CatalogTool('marketplace', {
    name: 'marketplace_get_installer_details',
    operationId: 'get-installer-details',
    method: 'GET',
    path: '/marketplace/app/{appId}/installations',
    summary: 'Get installer details',
    scopes: ['marketplace-installer-details.readonly'],
    tokens: ['agency'],
    oauthOnly: true,
    args: [{ name: 'appId', in: 'path', required: true, schema: { type: 'string' } }],
    ...overrides,
  });

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});

const textOf = (result: { content: { text: string }[] }) => result.content[0]!.text;

describe('error results', () => {
  it('names the missing scope and the token type for a scope 401', () => {
    const result = upstreamErrorResult(tool(), response(401, { statusCode: 401, message: 'The token is not authorized for this scope.' }));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('marketplace-installer-details.readonly');
    expect(textOf(result)).toContain('agency token from OAuth');
  });

  it('points at the token for other 401s, at the location for 403s, at the IDs for 404s', () => {
    expect(textOf(upstreamErrorResult(tool(), response(401, { message: 'Invalid JWT' })))).toContain('GHL_API_KEY');
    expect(textOf(upstreamErrorResult(tool(), response(403, { message: 'The token does not have access to this location' })))).toContain('locationId');
    expect(textOf(upstreamErrorResult(tool(), response(404, { message: 'Not found' })))).toContain('check appId');
  });

  it('says whether a 5xx is safe to retry', () => {
    expect(textOf(upstreamErrorResult(tool(), response(502, 'Bad Gateway')))).toContain('safe');
    const post = tool({ method: 'POST' });
    expect(textOf(upstreamErrorResult(post, response(500, { message: 'boom' })))).toContain('whether the change happened');
  });

  it('keeps the traceId from the body or the header, in the text and in the details the server reads', () => {
    const fromBody = upstreamErrorResult(tool(), response(400, { message: 'bad', traceId: 't-1' }));
    expect(textOf(fromBody).split('\n')[1]).toBe('traceId: t-1');
    expect(fromBody.details?.error).toMatchObject({ status: 400, message: 'bad', traceId: 't-1' });
    const fromHeader = upstreamErrorResult(tool(), response(400, { msg: 'bad' }, { 'x-trace-id': 't-2' }));
    expect(textOf(fromHeader)).toContain('traceId: t-2');
    expect(fromHeader.details?.error).toMatchObject({ message: 'bad', traceId: 't-2' });
  });

  it('passes on what a conflict names: canonicalCode and the ID of the record that exists', () => {
    const body = { statusCode: 400, message: 'This location does not allow duplicated contacts.', meta: { contactId: 'c-9', matchingField: 'email' }, canonicalCode: 'DUPLICATE', traceId: 't-3' };
    const lines = textOf(upstreamErrorResult(tool({ method: 'POST' }), response(400, body))).split('\n');
    expect(lines[0]).toBe('Error: GHL answered 400: This location does not allow duplicated contacts.');
    expect(lines[1]).toBe('traceId: t-3, canonicalCode: DUPLICATE, contactId: c-9, matchingField: email');
    expect(lines[2]).toBe('Hint: The record exists already (contactId c-9, same email): use it, or update it, instead of creating another.');
    // Without a duplicate to point at, the usual hint.
    expect(textOf(upstreamErrorResult(tool(), response(400, { message: 'bad', meta: { contactId: 'c-9' } })))).toContain('Hint: GHL rejected the request.');
  });
});

describe('the first line says plainly what happened', () => {
  it('for every kind of error', () => {
    const first = (result: { content: { text: string }[] }) => textOf(result).split('\n')[0];
    expect(first(upstreamErrorResult(tool(), response(404, { message: 'Not found' })))).toBe('Error: GHL answered 404: Not found');
    expect(first(upstreamErrorResult(tool(), response(422, { message: ['a is wrong', 'b is missing'] })))).toBe('Error: GHL answered 422: a is wrong; b is missing');
    expect(first(upstreamErrorResult(tool(), response(422, { message: ['a is wrong.', 'b is missing.'] })))).toBe('Error: GHL answered 422: a is wrong; b is missing.');
    expect(first(upstreamErrorResult(tool(), response(502, 'Bad Gateway')))).toBe('Error: GHL answered 502: Bad Gateway');
    expect(first(errorResult({ message: ['email: Invalid email'], hint: 'Fix it.' }))).toBe('Error: the call was not made: email: Invalid email');
    expect(first(errorResult({ message: 'timed out', hint: 'Check.', sent: true }))).toBe('Error: the call did not complete: timed out');
    const result = errorResult({ message: 'x', hint: 'Do this.' });
    expect(result.isError).toBe(true);
    expect(textOf(result).split('\n').at(-1)).toBe('Hint: Do this.');
  });

  it('for every kind of success', () => {
    const first = (body: unknown, status = 200, entry: Partial<ToolEntry> = {}) => textOf(successResult(tool(entry), response(status, body), OPTIONS)).split('\n')[0];
    expect(first({ contact: { id: 'c-1', firstName: 'Ann' } }, 201)).toBe('OK: GHL answered 201 with contact c-1.');
    expect(first({ id: 'inv-1', status: 'draft', items: [{ name: 'Cleaning' }] })).toBe('OK: GHL answered 200 with id inv-1.');
    expect(first({ contacts: [{ id: 'a' }, { id: 'b' }], total: 60 })).toBe('OK: GHL answered 200 with 2 contacts (total 60).');
    expect(first({ opportunities: [{ id: 'a' }], meta: { total: 1, nextPage: null } })).toBe('OK: GHL answered 200 with 1 opportunity.');
    expect(first({ addresses: [{ id: 'a' }], total: 3 })).toBe('OK: GHL answered 200 with 1 address (total 3).');
    expect(first({ messages: [{ id: 'a' }] })).toBe('OK: GHL answered 200 with 1 message.');
    expect(first({ data: [{ id: 'a' }] })).toBe('OK: GHL answered 200 with 1 item.');
    expect(first([1, 2, 3])).toBe('OK: GHL answered 200 with 3 items.');
    expect(first({ succeded: true })).toBe('OK: GHL answered 200.');
    expect(first('', 204)).toBe('OK: GHL answered 204 with no content.');
    expect(first('plain text')).toBe('OK: GHL answered 200 (not JSON).');
    // A record's own arrays are no list of results; a paged tool's wrapped list is.
    expect(first({ contact: { id: 'c-1', tags: ['a', 'b'] } })).toBe('OK: GHL answered 200 with contact c-1.');
    expect(first({ messages: { lastMessageId: 'm-2', nextPage: true, messages: [{ id: 'm-1' }, { id: 'm-2' }] } }, 200, { paging: 'last-id' })).toBe(
      'OK: GHL answered 200 with 2 messages.',
    );
  });
});

const OPTIONS = { maxChars: 10_000, format: 'compact' as const };
const compactBody = (body: unknown, entry: Partial<ToolEntry> = {}) => {
  const text = textOf(successResult(tool(entry), response(200, body), OPTIONS));
  return { first: text.split('\n')[0]!, body: JSON.parse(text.slice(text.indexOf('\n') + 1)) };
};

describe('compact results', () => {
  it('leave out null, empty strings, empty arrays and objects at any depth, and say how many once', () => {
    const { first, body } = compactBody({
      contact: { id: 'c-1', email: null, companyName: '', tags: [], dndSettings: {}, address: { city: null, lines: [] }, customFields: [{ id: 'f-1', value: 'x', extra: null }] },
    });
    expect(body).toEqual({ contact: { id: 'c-1', customFields: [{ id: 'f-1', value: 'x' }] } });
    expect(first).toBe("OK: GHL answered 200 with contact c-1. Left out 8 empty fields (ghl_call_tool with verbatim: true shows GHL's body as sent).");
  });

  it('keep false, 0, IDs, whitespace and every array position', () => {
    const kept = { id: 'c-1', dnd: false, unreadCount: 0, monetaryValue: 0, note: ' ', scores: [0, null, '', 3], rows: [{}, { a: 1 }] };
    expect(compactBody(kept).body).toEqual(kept);
    expect(compactBody(kept).first).toBe('OK: GHL answered 200 with id c-1.');
  });

  it('leave out a lowercase copy only when the field beside it says the same', () => {
    const { first, body } = compactBody({
      contacts: [
        { id: 'a', firstName: 'Ann', lastName: 'Lee', email: 'Ann@X.com', firstNameLowerCase: 'ann', lastNameLowerCase: 'lee', fullNameLowerCase: 'ann lee', emailLowerCase: 'ann@x.com' },
        // Differs from its source, or has none beside it: kept, as it says something the record does not.
        { id: 'b', firstName: 'Bo', firstNameLowerCase: 'robert', fullNameLowerCase: 'bo', nameLowerCase: 'orphan' },
        { id: 'c', contactName: 'Cy Young', fullNameLowerCase: 'cy young', name: 'Q', questionLowerCase: 'why?', question: 'Why?' },
      ],
    });
    expect(body.contacts).toEqual([
      { id: 'a', firstName: 'Ann', lastName: 'Lee', email: 'Ann@X.com' },
      { id: 'b', firstName: 'Bo', firstNameLowerCase: 'robert', nameLowerCase: 'orphan' },
      { id: 'c', contactName: 'Cy Young', name: 'Q', question: 'Why?' },
    ]);
    expect(first).toContain('Left out 7 lowercase copies (');
  });

  it('keep paging fields as GHL sent them, empty or not, and the list the call asked for', () => {
    const page = {
      opportunities: [],
      meta: { total: 0, nextPageUrl: null, startAfterId: null, startAfter: null, currentPage: 1, nextPage: null, prevPage: null, extra: null },
      aggregations: {},
    };
    const { body } = compactBody(page, { paging: 'start-after' });
    expect(body).toEqual({ opportunities: [], meta: { total: 0, nextPageUrl: null, startAfterId: null, startAfter: null, currentPage: 1, nextPage: null, prevPage: null } });
    const merged = { contacts: [{ id: 'a', searchAfter: [] }], _paging: { pages: 2, next: { query: '', pageLimit: 10 } } };
    expect(compactBody(merged, { paging: 'search-after' }).body).toEqual(merged);
  });
});

describe('verbatim results', () => {
  it("carry GHL's body exactly as sent after the first line", () => {
    const text = '{"contact":{"id":"c-1","email":null,"firstName":"Ann","firstNameLowerCase":"ann","tags":[]}}';
    const result = successResult(tool(), { status: 200, headers: {}, text }, { maxChars: 10_000, format: 'verbatim' });
    expect(textOf(result)).toBe(`OK: GHL answered 200 with contact c-1.\n${text}`);
  });
});

describe('results over the limit', () => {
  const contacts = Array.from({ length: 20 }, (_, index) => ({ id: `c-${index}`, firstName: 'x'.repeat(40), email: null }));

  it('keep whole list items that fit, as valid JSON, and say how to page', () => {
    const result = successResult(tool({ paging: 'limit-offset' }), response(200, { contacts, total: 90 }), { maxChars: 500, format: 'compact' });
    const [first, json, note] = textOf(result).split('\n');
    const shown = JSON.parse(json!);
    expect(json!.length).toBeLessThanOrEqual(500);
    expect(shown.total).toBe(90);
    expect(shown.contacts.length).toBeGreaterThan(0);
    expect(shown.contacts).toEqual(contacts.slice(0, shown.contacts.length).map(({ id, firstName }) => ({ id, firstName })));
    expect(first).toBe(`OK: GHL answered 200 with 20 contacts (total 90); ${shown.contacts.length} shown within the result limit. Left out 20 empty fields (ghl_call_tool with verbatim: true shows GHL's body as sent).`);
    expect(note).toBe(`[Cut: ${shown.contacts.length} of 20 contacts shown, to stay within the result limit. Ask again with a smaller limit and an offset.]`);
  });

  it('cut text without a list at the end of a field, and say how to ask for less', () => {
    const record = { id: 'r-1', ...Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`field${index}`, 'y'.repeat(20)])) };
    const text = textOf(successResult(tool(), response(200, record), { maxChars: 300, format: 'compact' }));
    const [first, json, note] = text.split('\n');
    expect(first).toBe('OK: GHL answered 200 with id r-1; cut at the result limit.');
    expect(json!.length).toBeLessThanOrEqual(300);
    expect(JSON.stringify(record).startsWith(json!)).toBe(true);
    expect(JSON.parse(`${json}}`)).toMatchObject({ id: 'r-1' });
    expect(note).toBe(`[Cut: ${json!.length} of ${JSON.stringify(record).length} characters shown, to stay within the result limit. Ask again with filters that return less.]`);
  });

  it('cut merged pages with a hint about maxItems, and verbatim text at a field boundary', () => {
    const merged = { contacts, _paging: { pages: 2, items: 20, complete: false, stoppedBecause: 'maxPages (2) was reached' } };
    expect(textOf(successResult(tool({ paging: 'search-after' }), response(200, merged), { maxChars: 400, format: 'compact' }))).toMatch(
      /Ask again with a smaller maxItems \(or continue from _paging\.next\)\.\]$/,
    );
    const raw = JSON.stringify({ contacts });
    const verbatim = textOf(successResult(tool({ paging: 'limit-offset' }), { status: 200, headers: {}, text: raw }, { maxChars: 300, format: 'verbatim' }));
    const [, json, note] = verbatim.split('\n');
    expect(raw.startsWith(json!)).toBe(true);
    expect(raw[json!.length]).toBe(',');
    expect(note).toBe(`[Cut: ${json!.length} of ${raw.length} characters shown, to stay within the result limit. Ask again with a smaller limit and an offset.]`);
  });
});

describe('what goes on the wire', () => {
  it('is the text and the error flag only: no structuredContent, no internal details', () => {
    const failed = upstreamErrorResult(tool(), response(404, { message: 'Not found', traceId: 't' }));
    expect(Object.keys(toWire(failed)).sort()).toEqual(['content', 'isError']);
    expect(toWire(failed).content).toBe(failed.content);
    const ok = successResult(tool(), response(200, { a: 1 }), OPTIONS);
    expect(ok.structuredContent).toBeUndefined();
    expect(toWire({ ...ok, structuredContent: { a: 1 }, details: {} })).toEqual({ content: ok.content });
  });
});

describe('--result-format', () => {
  const format = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCli(argv, env).config!.resultFormat;

  it('is compact unless the flag or GHL_RESULT_FORMAT says verbatim; the flag wins', () => {
    expect(format([])).toBe('compact');
    expect(format(['--result-format', 'verbatim'])).toBe('verbatim');
    expect(format([], { GHL_RESULT_FORMAT: 'verbatim' })).toBe('verbatim');
    expect(format(['--result-format', 'compact'], { GHL_RESULT_FORMAT: 'verbatim' })).toBe('compact');
  });

  it('refuses any other value, naming the two', () => {
    expect(() => format(['--result-format', 'raw'])).toThrow(ConfigError);
    expect(() => format(['--result-format', 'raw'])).toThrow('--result-format must be compact or verbatim, got "raw"');
  });
});

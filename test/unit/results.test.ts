import { describe, expect, it } from 'vitest';
import { CatalogTool } from '../../src/catalog/catalog.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import { successResult, upstreamErrorResult } from '../../src/results.js';

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

  it('keeps the traceId from the body or the header', () => {
    expect(upstreamErrorResult(tool(), response(400, { message: 'bad', traceId: 't-1' })).structuredContent).toMatchObject({
      error: { status: 400, message: 'bad', traceId: 't-1' },
    });
    expect(upstreamErrorResult(tool(), response(400, { msg: 'bad' }, { 'x-trace-id': 't-2' })).structuredContent).toMatchObject({
      error: { message: 'bad', traceId: 't-2' },
    });
  });
});

describe('success results', () => {
  it('returns the JSON as text and as structured content, wrapping non-objects', () => {
    expect(successResult(tool(), response(200, { a: 1 }), 1000)).toEqual({ content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 1 } });
    expect(successResult(tool(), response(200, [1, 2]), 1000).structuredContent).toEqual({ result: [1, 2] });
    expect(successResult(tool(), response(200, 'plain text'), 1000)).toEqual({ content: [{ type: 'text', text: 'plain text' }] });
  });

  it('cuts long results with a paging hint that fits the operation', () => {
    const paged = tool({ paging: 'limit-offset' });
    const text = textOf(successResult(paged, response(200, { items: 'x'.repeat(500) }), 100));
    expect(text.startsWith('{"items":"xxx')).toBe(true);
    expect(text).toContain('[Truncated: 100 of 512 characters shown. Ask again with a smaller limit and an offset.]');
  });
});

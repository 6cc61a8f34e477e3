import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { connectHttp, type HttpServerProcess, startHttpServer, textOf } from '../helpers/http.js';

const GHL_TOKEN = 'pit-stateless-toolsets-0001';

describe('ghl_enable_toolset on a stateless HTTP server', () => {
  let fake: FakeGhl;
  let server: HttpServerProcess;

  beforeAll(async () => {
    fake = new FakeGhl({ tokens: [GHL_TOKEN] });
    server = await startHttpServer({ GHL_API_KEY: GHL_TOKEN, GHL_BASE_URL: await fake.listen() }, ['--stateless']);
  });

  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });

  it('says nothing was enabled and how to get the toolset, instead of claiming tools were added', async () => {
    const { client, close } = await connectHttp(server.url);
    const result = await client.callTool({ name: 'ghl_enable_toolset', arguments: { toolset: 'invoices' } });
    const text = textOf(result);
    expect(text).toContain('Nothing was enabled');
    expect(text).toContain('/mcp/x/invoices');
    expect(text).toContain('X-MCP-Toolsets: invoices');
    expect(text).not.toMatch(/tools added/);
    // The next request indeed lists no invoices tool.
    const { tools } = await client.listTools();
    expect(tools.some((tool) => tool.name.startsWith('invoices_'))).toBe(false);
    await close();

    const named = await connectHttp(`${server.origin}/mcp/x/invoices`);
    const listed = await named.client.listTools();
    expect(listed.tools.some((tool) => tool.name.startsWith('invoices_'))).toBe(true);
    await named.close();
  });
});

import type { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { resultBody, resultText } from '../helpers/results.js';

type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, boolean> };

const SANDBOX = ['--sandbox', '--toolsets', 'all'];
let session: StdioSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

/** The built server in sandbox mode; with `answer`, the client takes elicitations and answers each with it. */
async function connect(args: string[], answer?: Answer) {
  const asked: { message: string }[] = [];
  session = await connectStdio({}, [...SANDBOX, ...args], answer ? { capabilities: { elicitation: { form: {} } } } : undefined);
  if (answer) {
    session.client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params as { message: string });
      return answer;
    });
  }
  return { client: session.client, asked };
}

async function someContactId(client: Client): Promise<string> {
  const result = await client.callTool({ name: 'contacts_search_contacts_advanced', arguments: { pageLimit: 5 } });
  return resultBody(result).contacts[3].id;
}

const exists = async (client: Client, contactId: string) => !(await client.callTool({ name: 'contacts_get_contact', arguments: { contactId } })).isError;

describe('--confirm-destructive', () => {
  it('asks the user through elicitation, and deletes once they say yes', async () => {
    const { client, asked } = await connect(['--confirm-destructive'], { action: 'accept', content: { confirm: true } });
    const contactId = await someContactId(client);
    const result = await client.callTool({ name: 'contacts_delete_contact', arguments: { contactId } });
    expect(result.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.message).toContain(`DELETE /contacts/${contactId}`);
    expect(await exists(client, contactId)).toBe(false);
    // Reads are never asked about.
    await someContactId(client);
    expect(asked).toHaveLength(1);
  });

  it('changes nothing when the user declines, and says so on the first line', async () => {
    const { client, asked } = await connect(['--confirm-destructive'], { action: 'decline' });
    const contactId = await someContactId(client);
    const result = await client.callTool({ name: 'ghl_call_tool', arguments: { name: 'contacts_delete_contact', arguments: { contactId } } });
    expect(result.isError).toBe(true);
    expect(resultText(result).split('\n')[0]).toMatch(/^Error: .*did not confirm/);
    expect(asked).toHaveLength(1);
    expect(await exists(client, contactId)).toBe(true);
  });

  it('without elicitation: says what it would do and takes back a token for exactly these arguments', async () => {
    const { client } = await connect(['--confirm-destructive']);
    const contactId = await someContactId(client);
    const first = await client.callTool({ name: 'contacts_delete_contact', arguments: { contactId } });
    expect(first.isError).toBe(true);
    const text = resultText(first);
    expect(text).toContain(`DELETE /contacts/${contactId}`);
    expect(await exists(client, contactId)).toBe(true);
    const retry = JSON.parse(/ghl_call_tool (\{.*\}) \(or/.exec(text)![1]!);
    expect(retry).toEqual({ name: 'contacts_delete_contact', arguments: { contactId, confirm: expect.any(String) } });

    const otherId = (await client.callTool({ name: 'contacts_search_contacts_advanced', arguments: { pageLimit: 1 } })).content;
    const other = resultBody({ content: otherId }).contacts[0].id;
    const misused = await client.callTool({ name: 'contacts_delete_contact', arguments: { contactId: other, confirm: retry.arguments.confirm } });
    expect(resultText(misused)).toMatch(/not valid for these arguments/);
    expect(await exists(client, other)).toBe(true);

    const confirmed = await client.callTool({ name: 'ghl_call_tool', arguments: retry });
    expect(confirmed.isError).toBeFalsy();
    expect(await exists(client, contactId)).toBe(false);
  });

  it('is off by default: a delete goes straight through', async () => {
    const { client, asked } = await connect([], { action: 'decline' });
    const contactId = await someContactId(client);
    expect((await client.callTool({ name: 'contacts_delete_contact', arguments: { contactId } })).isError).toBeFalsy();
    expect(asked).toHaveLength(0);
    expect(await exists(client, contactId)).toBe(false);
  });
});

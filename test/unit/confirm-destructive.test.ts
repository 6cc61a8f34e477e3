import type { Server, ServerContext } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { DestructiveConfirmation } from '../../src/confirm/destructive.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';

const catalog = new Catalog(MODULES, OVERLAYS);
const remove = catalog.get('contacts_delete_contact')!;
const voidInvoice = catalog.get('invoices_void_invoice')!;
/** A client that cannot elicit. */
const ctx = { mcpReq: {} } as unknown as ServerContext;
const server = { getClientCapabilities: () => ({}) } as unknown as Server;

function tokenOf(answer: unknown): string {
  const text = (answer as { content: { text: string }[] }).content[0]!.text;
  return /"confirm":"([^"]+)"/.exec(text)![1]!;
}

describe('destructive confirmation tokens', () => {
  it('lets reads and non-destructive writes through untouched', () => {
    const gate = new DestructiveConfirmation();
    expect(gate.check(catalog.get('contacts_get_contact')!, { contactId: 'a' }, ctx, server)).toEqual({ proceed: { contactId: 'a' } });
    expect(gate.check(catalog.get('contacts_create_note')!, { contactId: 'a', body: 'x' }, ctx, server)).toEqual({ proceed: { contactId: 'a', body: 'x' } });
  });

  it('accepts its token for the same tool and arguments in any key order, for five minutes', () => {
    let now = 1_000_000;
    const gate = new DestructiveConfirmation(() => now);
    const args = { invoiceId: 'inv1', altId: 'loc', altType: 'location' };
    const token = tokenOf((gate.check(voidInvoice, args, ctx, server) as { answer: unknown }).answer);
    now += 4 * 60_000;
    expect(gate.check(voidInvoice, { altType: 'location', invoiceId: 'inv1', altId: 'loc', confirm: token }, ctx, server)).toEqual({ proceed: args });
    now += 2 * 60_000;
    expect(gate.check(voidInvoice, { ...args, confirm: token }, ctx, server)).toHaveProperty('answer');
  });

  it('refuses a token for other arguments, another tool, another process, or tampered with', () => {
    const gate = new DestructiveConfirmation();
    const token = tokenOf((gate.check(remove, { contactId: 'c1' }, ctx, server) as { answer: unknown }).answer);
    expect(gate.check(remove, { contactId: 'c2', confirm: token }, ctx, server)).toHaveProperty('answer');
    expect(gate.check(voidInvoice, { contactId: 'c1', confirm: token }, ctx, server)).toHaveProperty('answer');
    expect(new DestructiveConfirmation().check(remove, { contactId: 'c1', confirm: token }, ctx, server)).toHaveProperty('answer');
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(gate.check(remove, { contactId: 'c1', confirm: tampered }, ctx, server)).toHaveProperty('answer');
    expect(gate.check(remove, { contactId: 'c1', confirm: token }, ctx, server)).toEqual({ proceed: { contactId: 'c1' } });
  });

  it('asks through elicitation when the client declared it at initialize', () => {
    const eliciting = { getClientCapabilities: () => ({ elicitation: {} }) } as unknown as Server;
    const answer = (new DestructiveConfirmation().check(remove, { contactId: 'c1' }, ctx, eliciting) as { answer: Record<string, unknown> }).answer;
    expect(answer).toMatchObject({ inputRequests: { confirm: { method: 'elicitation/create' } } });
    expect(JSON.stringify(answer)).toContain('DELETE /contacts/c1');
  });
});

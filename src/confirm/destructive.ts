import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  type Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { CatalogTool } from '../catalog/catalog.js';
import { errorResult, type ToolResult } from '../results.js';

/** The argument that carries a confirmation when the client cannot ask the user (no elicitation). */
export const CONFIRM_ARG = 'confirm';
const INPUT_KEY = 'confirm';
const TOKEN_TTL_MS = 5 * 60_000;

export type Confirmation =
  /** Go ahead with these arguments (a valid `confirm` taken out). */
  | { proceed: Record<string, unknown> }
  /** Answer this instead of calling: the question to the user, or why nothing was done. */
  | { answer: ToolResult | InputRequiredResult };

/**
 * --confirm-destructive: a tool that deletes, voids or refunds (annotations.destructiveHint) runs only once
 * confirmed. A client with elicitation asks the user (the SDK's input_required flow, which also serves
 * 2025-era clients); any other client gets a result saying what would happen and a confirmation token, valid for
 * five minutes and for exactly these arguments, to pass back as `confirm`. The token is an HMAC of the tool and
 * its arguments under a key this process made up: nothing is stored, and it cannot be forged or reused for other
 * arguments.
 */
export class DestructiveConfirmation {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  check(tool: CatalogTool, rawArgs: unknown, ctx: ServerContext, server: Server): Confirmation {
    const args = isObject(rawArgs) ? rawArgs : {};
    if (!tool.annotations().destructiveHint) return { proceed: args };
    const { [CONFIRM_ARG]: token, ...rest } = args;
    if (typeof token === 'string') {
      if (this.valid(token, tool, rest)) return { proceed: rest };
      return { answer: this.unconfirmed(tool, rest, 'the confirm value is not valid for these arguments, or has expired') };
    }
    const response = inputResponse(ctx.mcpReq.inputResponses, INPUT_KEY);
    if (response.kind === 'elicit') {
      if (response.action === 'accept' && response.content?.[CONFIRM_ARG] === true) return { proceed: rest };
      return { answer: errorResult({ message: `the user did not confirm: ${intent(tool, rest)}`, hint: 'Nothing was changed. Ask the user what they want instead.' }) };
    }
    if (canElicit(ctx, server)) {
      return {
        answer: inputRequired({
          inputRequests: {
            [INPUT_KEY]: inputRequired.elicit({
              message: `${intent(tool, rest)}. This cannot be undone in GoHighLevel. Go ahead?`,
              requestedSchema: {
                type: 'object',
                properties: { [CONFIRM_ARG]: { type: 'boolean', title: 'Yes, go ahead', default: false } },
                required: [CONFIRM_ARG],
              },
            }),
          },
        }),
      };
    }
    return { answer: this.unconfirmed(tool, rest) };
  }

  /** What would happen, and the token that confirms it. */
  private unconfirmed(tool: CatalogTool, args: Record<string, unknown>, problem?: string): ToolResult {
    const token = this.token(tool, args, this.now());
    const retry = JSON.stringify({ name: tool.name, arguments: { ...args, [CONFIRM_ARG]: token } });
    return errorResult({
      message: `${problem ? `${problem}. ` : ''}${tool.name} needs confirmation first (this server runs with --confirm-destructive): ${intent(tool, args)}`,
      hint: `Ask the user. If they agree, call ghl_call_tool ${retry} (or ${tool.name} itself with ${CONFIRM_ARG} added): valid for 5 minutes, for these arguments only.`,
    });
  }

  private token(tool: CatalogTool, args: Record<string, unknown>, issuedAt: number): string {
    const issued = issuedAt.toString(36);
    return `${issued}.${this.sign(tool, args, issued)}`;
  }

  private valid(token: string, tool: CatalogTool, args: Record<string, unknown>): boolean {
    const [issued, signature] = token.split('.');
    const issuedAt = parseInt(issued ?? '', 36);
    if (!issued || !signature || !Number.isFinite(issuedAt)) return false;
    const age = this.now() - issuedAt;
    if (age < 0 || age > TOKEN_TTL_MS) return false;
    const expected = Buffer.from(this.sign(tool, args, issued));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(tool: CatalogTool, args: Record<string, unknown>, issued: string): string {
    // The generated name: a rename (overlay) or a call through ghl_call_tool confirms the same operation.
    return createHmac('sha256', this.key).update(JSON.stringify([tool.entry.name, issued, canonical(args)])).digest('base64url').slice(0, 22);
  }
}

/** `DELETE /contacts/abc123 (Delete Contact)`: the request a call would send, path filled in. */
function intent(tool: CatalogTool, args: Record<string, unknown>): string {
  const path = tool.entry.path.replace(/\{(\w+)\}/g, (whole, name: string) => (args[name] === undefined ? whole : String(args[name])));
  const others = Object.entries(args).filter(([name]) => !tool.entry.path.includes(`{${name}}`));
  const extra = others.length > 0 ? ` with ${others.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ').slice(0, 300)}` : '';
  return `${tool.annotations().title ?? tool.name}: ${tool.entry.method} ${path}${extra}`;
}

/** Whether the client takes form elicitations: declared on the request (2026-07-28) or at initialize. */
function canElicit(ctx: ServerContext, server: Server): boolean {
  const declared = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  const elicitation = (declared ?? server.getClientCapabilities())?.elicitation as { form?: unknown; url?: unknown } | undefined;
  if (!elicitation) return false;
  // A bare `elicitation: {}` means form mode (the rule before modes existed).
  return elicitation.form !== undefined || elicitation.url === undefined;
}

/** Key order does not change what a call does, so it does not change its token either. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { Server, ServerContext } from '@modelcontextprotocol/server';
import type { Catalog } from '../catalog/catalog.js';
import { CALL_TOOL } from '../discovery/definitions.js';
import type { ToolSelection } from '../toolsets/selection.js';
import type { Confirmation, DestructiveConfirmation } from './destructive.js';

/**
 * The confirmation step of one tools/call: the arguments to go on with, or the answer to give instead. A call
 * through ghl_call_tool is checked as a call of the tool it names; tools this session may not call, or that do not
 * exist, go on unchanged to the step that refuses them.
 */
export function confirmToolCall(
  gate: DestructiveConfirmation,
  call: { name: string; args: Record<string, unknown> | undefined; catalog: Catalog; selection: ToolSelection; ctx: ServerContext; server: Server },
): Confirmation | { proceed: undefined } {
  const { name, args, catalog, selection, ctx, server } = call;
  const through = name === CALL_TOOL && !selection.excludes(name);
  const tool = catalog.get(through ? String(args?.name) : name);
  if (!tool || selection.refusal(tool)) return { proceed: args };
  if (!through) return gate.check(tool, args, ctx, server);
  const inner = gate.check(tool, args?.arguments, ctx, server);
  return 'answer' in inner ? inner : { proceed: { ...args, arguments: inner.proceed } };
}

import type { CatalogTool } from '../catalog/catalog.js';
import type { ArgSpec, CatalogModule, ToolEntry } from '../catalog/types.js';
import { same, schemaChanges } from './schema-diff.js';

/** One difference between a registered tool and the live documents, said in plain words. */
export interface Change {
  kind: 'moved' | 'operation-id' | 'version' | 'scopes' | 'tokens' | 'deprecated' | 'body' | 'arg-added' | 'arg-removed' | 'arg-renamed' | 'arg-required' | 'arg-location' | 'arg-schema';
  text: string;
}

/** A registered tool whose operation still exists but reads differently in the live documents. */
export interface ToolDrift {
  tool: CatalogTool;
  live: ToolEntry;
  changes: Change[];
}

export interface ModuleDrift {
  module: string;
  changed: ToolDrift[];
  /** Registered tools whose operation the live documents no longer have (neither by operationId nor by method and path). */
  removed: CatalogTool[];
  /** Live operations no registered tool stands for. */
  added: ToolEntry[];
}

/** `GET /contacts/{contactId}` and `GET /contacts/{id}` are the same route. */
function route(entry: ToolEntry): string {
  return `${entry.method} ${entry.path.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '')}`;
}

/**
 * Matches the registered tools of one module with the live operations — by operationId first, then by method
 * and path — and describes every difference.
 */
export function compareModule(registered: CatalogTool[], live: CatalogModule): ModuleDrift {
  const unmatched = new Set(live.tools);
  const pairs = new Map<CatalogTool, ToolEntry>();
  for (const tool of registered) {
    const byId = [...unmatched].find((entry) => entry.operationId === tool.entry.operationId);
    if (byId) {
      pairs.set(tool, byId);
      unmatched.delete(byId);
    }
  }
  for (const tool of registered.filter((candidate) => !pairs.has(candidate))) {
    const byRoute = [...unmatched].find((entry) => route(entry) === route(tool.entry));
    if (byRoute) {
      pairs.set(tool, byRoute);
      unmatched.delete(byRoute);
    }
  }
  const changed: ToolDrift[] = [];
  for (const [tool, entry] of pairs) {
    const changes = compareTool(tool.documented, entry);
    if (changes.length > 0) changed.push({ tool, live: entry, changes });
  }
  return {
    module: live.module,
    changed,
    removed: registered.filter((tool) => !pairs.has(tool)),
    added: [...unmatched],
  };
}

/** Every difference between a registered entry and the live one that changes what a call must send. */
export function compareTool(registered: ToolEntry, live: ToolEntry): Change[] {
  const changes: Change[] = [];
  const add = (kind: Change['kind'], text: string) => changes.push({ kind, text });
  if (registered.method !== live.method || registered.path !== live.path) {
    add('moved', `moved: ${registered.method} ${registered.path} → ${live.method} ${live.path}`);
  }
  if (registered.operationId !== live.operationId) add('operation-id', `operationId ${registered.operationId} → ${live.operationId}`);
  if (registered.version !== live.version) add('version', `Version header ${registered.version ?? 'none'} → ${live.version ?? 'none'}`);
  if (!same(registered.scopes, live.scopes)) add('scopes', `scopes ${(registered.scopes ?? ['none']).join(' ')} → ${(live.scopes ?? ['none']).join(' ')}`);
  if (!same(registered.tokens, live.tokens) || registered.oauthOnly !== live.oauthOnly) {
    add('tokens', `token types ${tokensOf(registered)} → ${tokensOf(live)}`);
  }
  if (!registered.deprecated && live.deprecated) add('deprecated', 'now deprecated');
  if (!same(registered.body, live.body)) add('body', `request body ${bodyOf(registered)} → ${bodyOf(live)}`);
  argChanges(registered.args, live.args, add);
  return changes;
}

/** Arguments are told apart by place and name: a few operations have a path and a query parameter of the same name. */
function key(arg: ArgSpec): string {
  return `${arg.in}:${arg.name}`;
}

function argChanges(before: ArgSpec[], after: ArgSpec[], add: (kind: Change['kind'], text: string) => void): void {
  const removed = before.filter((arg) => !after.some((other) => key(other) === key(arg)));
  const added = after.filter((arg) => !before.some((other) => key(other) === key(arg)));
  const take = (list: ArgSpec[], arg: ArgSpec) => list.splice(list.indexOf(arg), 1);
  for (const arg of [...removed]) {
    const moved = added.filter((other) => other.name === arg.name);
    if (moved.length !== 1) continue;
    add('arg-location', `${arg.name} moved from the ${arg.in} to the ${moved[0]!.in}${moved[0]!.required && !arg.required ? ' (required)' : ''}`);
    take(removed, arg);
    take(added, moved[0]!);
  }
  for (const arg of [...removed]) {
    // One argument gone and one new in the same place is how a rename looks.
    const candidates = added.filter((other) => other.in === arg.in);
    if (candidates.length !== 1 || removed.filter((other) => other.in === arg.in).length !== 1) continue;
    const renamed = candidates[0]!;
    add('arg-renamed', `${place(arg)} ${arg.name} is now ${renamed.name}${renamed.required ? ' (required)' : ''}`);
    take(removed, arg);
    take(added, renamed);
  }
  for (const arg of removed) add('arg-removed', `${place(arg)} ${arg.name} removed`);
  for (const arg of added) add('arg-added', `new ${arg.required ? 'required' : 'optional'} ${place(arg)} ${arg.name}`);
  for (const arg of before) {
    const now = after.find((other) => key(other) === key(arg));
    if (!now) continue;
    if (now.required && !arg.required) add('arg-required', `${place(now)} ${arg.name} is now required`);
    if (!now.required && arg.required) add('arg-required', `${place(now)} ${arg.name} is no longer required`);
    if ((now.wire ?? now.name) !== (arg.wire ?? arg.name)) add('arg-renamed', `${arg.name} is sent as ${now.wire ?? now.name}`);
    for (const text of schemaChanges(arg.name, arg.schema, now.schema)) add('arg-schema', text);
  }
}

function place(arg: ArgSpec): string {
  return { path: 'path parameter', query: 'query parameter', header: 'header', body: 'body field' }[arg.in];
}

function tokensOf(entry: ToolEntry): string {
  return `${(entry.tokens ?? ['any']).join('/')}${entry.oauthOnly ? ' (OAuth only)' : ''}`;
}

function bodyOf(entry: ToolEntry): string {
  if (!entry.body) return 'none';
  return `${entry.body.encoding}${entry.body.required ? ', required' : ''}${entry.body.whole ? ', one argument' : ''}`;
}

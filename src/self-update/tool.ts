import { z } from 'zod';
import { listedAnnotations, type ToolDefinition } from '../catalog/catalog.js';
import { errorResult, textResult, type ToolResult } from '../results.js';
import type { ToolSelection } from '../toolsets/selection.js';
import { applyReport, checkReport } from './report.js';
import type { Scope, Updater } from './updater.js';

export const SELF_UPDATE_TOOL = 'ghl_self_update';

const INPUT = z.strictObject({
  action: z.enum(['check', 'apply', 'list', 'clear']).optional(),
  tool: z.string().min(1).optional(),
  module: z.string().min(1).optional(),
});

const DEFINITION: ToolDefinition = {
  name: SELF_UPDATE_TOOL,
  description:
    'Compare tools with the live GoHighLevel API docs: moved paths, renamed or new fields, enums, Version, scopes, ' +
    'removed and new operations. apply re-registers them; list/clear show or remove saved re-registrations.',
  inputSchema: {
    type: 'object',
    properties: {
      action: { type: 'string', enum: ['check', 'apply', 'list', 'clear'], description: 'Default check.' },
      tool: { type: 'string' },
      module: { type: 'string', description: 'A toolset (first part of tool names). Neither tool nor module: everything.' },
    },
  },
  annotations: listedAnnotations({ title: 'Update GHL tools from the live docs', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true }),
};

export function selfUpdateDefinitions(): readonly ToolDefinition[] {
  return [DEFINITION];
}

/** The always-present tool that shows drift between the catalog and the live docs, and applies or clears it. */
export class SelfUpdateTool {
  /** `mayChange` false: check and list only (a tenant of a shared multi-tenant server). */
  constructor(
    private readonly updater: Updater,
    private readonly mayChange = true,
  ) {}

  handles(name: string): boolean {
    return name === SELF_UPDATE_TOOL;
  }

  async call(rawArgs: unknown, selection: ToolSelection): Promise<ToolResult> {
    const result = await this.answer(rawArgs, selection);
    return this.mayChange ? result : this.withoutServerPaths(result);
  }

  private async answer(rawArgs: unknown, selection: ToolSelection): Promise<ToolResult> {
    const parsed = INPUT.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
      return errorResult({ message: problems, hint: `Fix the arguments listed and call ${SELF_UPDATE_TOOL} again.` });
    }
    const { action = 'check', ...scope } = parsed.data;
    const problem = this.scopeProblem(scope, action);
    if (problem) return problem;
    if (!this.mayChange && (action === 'apply' || action === 'clear')) {
      return errorResult({
        message: `${action} is not available to a tenant of a multi-tenant server: the catalog is shared by every tenant`,
        hint: 'Use check to see the drift; the server operator can apply it.',
      });
    }
    switch (action) {
      case 'check': {
        return textResult(checkReport(this.updater.docsSource, await this.updater.check(scope)));
      }
      case 'apply':
        return this.apply(scope, selection);
      case 'list':
        return this.list();
      case 'clear': {
        const { cleared, forgotten, saved } = await this.updater.clear(scope);
        const where = 'file' in saved ? `removed from ${saved.file}` : saved.reason;
        const text =
          cleared.length > 0
            ? `Cleared ${cleared.length} override(s): ${cleared.join(', ')} use the bundled catalog again (list_changed sent). ${forgotten} saved override(s) ${where}.`
            : `No override in force${scope.tool || scope.module ? ' in scope' : ''}. ${forgotten} saved override(s) ${where}.`;
        return textResult(text);
      }
    }
  }

  private async apply(scope: Scope, selection: ToolSelection): Promise<ToolResult> {
    const checks = await this.updater.check(scope);
    const report = checkReport(this.updater.docsSource, checks);
    const outcome = await this.updater.apply(checks, selection.tools);
    const touched = [...outcome.replaced, ...outcome.added].map((name) => this.updater.findTool(name)).filter((tool) => tool !== undefined);
    const writers = selection.readOnly ? touched.filter((tool) => !tool.readOnly).map((tool) => tool.name) : [];
    return textResult(`${report}\n\n${applyReport(outcome, writers)}`);
  }

  /**
   * A tenant of a shared server is not told where the server keeps its files: the overrides file, and a docs
   * folder when the live docs are read from disk (their paths also show in read errors).
   */
  private withoutServerPaths(result: ToolResult): ToolResult {
    const paths = [this.updater.options.store.file, this.updater.docsSource].filter((where) => where && !/^https?:\/\//i.test(where));
    const hide = (text: string) => paths.reduce((masked, where) => masked.split(where).join('(a path on the server)'), text);
    return { ...result, content: result.content.map((block) => ({ ...block, text: hide(block.text) })) };
  }

  private list(): ToolResult {
    const { active, saved, file } = this.updater.list();
    const lines = [`Overrides file: ${file}`];
    if (typeof saved === 'string') lines.push(`It cannot be read: ${saved}`);
    const inForce = new Set(active.map((override) => override.entryName));
    const all = [...active, ...(Array.isArray(saved) ? saved.filter((override) => !inForce.has(override.entryName)) : [])];
    if (all.length === 0) lines.push('No overrides: every tool comes from the bundled catalog.');
    for (const override of all) {
      const where = override.entry ? ` ${override.entry.method} ${override.entry.path}` : '';
      const state = inForce.has(override.entryName) ? 'in force' : 'saved, not in force (stale or ignored with --no-overrides)';
      lines.push(`- ${override.entryName}: ${override.kind}${where}, docs sha256 ${override.fingerprint.slice(0, 12)}, applied ${override.appliedAt}, ${state}`);
    }
    return textResult(lines.join('\n'));
  }

  private scopeProblem(scope: Scope, action: string): ToolResult | undefined {
    if (scope.tool && scope.module) return errorResult({ message: 'Give tool or module, not both', hint: 'Name one tool, one module, or neither for everything.' });
    // A tool an override dropped is no longer in the catalog, but its override can still be cleared.
    if (scope.tool && action !== 'clear' && !this.updater.findTool(scope.tool)) {
      return errorResult({ message: `Unknown tool ${scope.tool}`, hint: `Check its module instead: ${SELF_UPDATE_TOOL} {"module": "<first part of the name>"}.` });
    }
    if (scope.module && !this.updater.modules().includes(scope.module)) {
      return errorResult({ message: `Unknown module ${scope.module}`, hint: `Modules: ${this.updater.modules().join(', ')}` });
    }
    return undefined;
  }
}

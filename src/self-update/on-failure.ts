import type { CatalogTool } from '../catalog/catalog.js';
import type { Logger } from '../logger.js';
import type { SelfUpdateMode } from './mode.js';
import type { ToolResult } from '../results.js';
import { changeLine } from './report.js';
import { SELF_UPDATE_TOOL } from './tool.js';
import type { Updater } from './updater.js';


/** Statuses a stale definition causes: a wrong field or value, a moved path or method (404, 405). */
const DRIFT_STATUSES = new Set([400, 404, 405, 422]);

export interface FailureCheckOptions {
  mode: SelfUpdateMode;
  /** A read-only server never re-registers tools on its own. */
  readOnly: boolean;
  explicitTools: readonly string[];
  /** How long a failed call may wait for the live docs; a slower fetch goes on and serves the next failure. */
  budgetMs?: number;
  logger: Logger;
}

interface Note {
  status: 'drift' | 'applied' | 'current' | 'removed' | 'unavailable';
  text: string;
  changes?: string[];
}

/** Adds to a GHL error what the live docs say about the failed operation, and what to do next. */
export class FailureCheck {
  private readonly budgetMs: number;

  constructor(
    private readonly updater: Updater,
    private readonly options: FailureCheckOptions,
  ) {
    this.budgetMs = options.budgetMs ?? 5_000;
  }

  async enrich(tool: CatalogTool, result: ToolResult, status: number): Promise<ToolResult> {
    if (this.options.mode === 'off' || !worthChecking(status, result)) return result;
    let note: Note;
    try {
      note = await this.withinBudget(tool, (expired) => this.note(tool, expired));
    } catch (error) {
      this.options.logger.warn({ tool: tool.name, err: (error as Error).message }, 'live docs check failed');
      note = { status: 'unavailable', text: `Live docs: not checked (${(error as Error).message}).` };
    }
    const details = { ...result.details, liveDocs: { status: note.status, ...(note.changes && { changes: note.changes }) } };
    return { ...result, content: [...result.content, { type: 'text', text: note.text }], details };
  }

  private async note(tool: CatalogTool, expired: () => boolean): Promise<Note> {
    if (this.updater.findTool(tool.name) !== tool) {
      return { status: 'applied', text: `Live docs: ${tool.name} was re-registered while this call ran; call it again.` };
    }
    const [check] = await this.updater.check({ tool: tool.name });
    if (check!.error) return { status: 'unavailable', text: `Live docs: could not check ${tool.name}: ${check!.error}. The error above is GHL's answer as sent.` };
    const { drift, live } = check!;
    if (drift!.removed.length > 0) {
      return {
        status: 'removed',
        text:
          `Live docs: ${live!.url} no longer has ${tool.entry.method} ${tool.entry.path} (${tool.entry.operationId}): the operation was removed, ` +
          `or moved under another operationId. Next: ${SELF_UPDATE_TOOL} {"module": "${tool.module}"} shows the module's changes.`,
      };
    }
    const changed = drift!.changed[0];
    if (!changed) return { status: 'current', text: `Live docs: ${tool.name} matches the live docs, so its definition is current; check the values and IDs sent.` };
    const changes = changed.changes.map((change) => change.text);
    const summary = `Live docs: ${tool.name} changed: ${changeLine(changed.changes)}.`;
    // Past the budget the caller has its answer already: re-registering then would go unmentioned.
    if (this.options.mode === 'apply' && !this.options.readOnly && !expired()) {
      const outcome = await this.updater.apply([check!], this.options.explicitTools);
      const saved = 'file' in outcome.saved ? '' : ` (override ${outcome.saved.reason})`;
      return { status: 'applied', changes, text: `${summary} Re-registered ${tool.name} from the live docs${saved}: call it again with its new definition.` };
    }
    const readOnly = this.options.mode === 'apply' ? ' Not applied automatically: this server is read-only.' : '';
    return {
      status: 'drift',
      changes,
      text: `${summary}${readOnly} Next: ${SELF_UPDATE_TOOL} {"action": "apply", "tool": "${tool.name}"} re-registers it; then call it again.`,
    };
  }

  private withinBudget(tool: CatalogTool, start: (expired: () => boolean) => Promise<Note>): Promise<Note> {
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const work = start(() => late);
    const lateNote = new Promise<Note>((resolve) => {
      timer = setTimeout(() => {
        late = true;
        resolve({ status: 'unavailable', text: `Live docs: no answer within ${this.budgetMs} ms; ${SELF_UPDATE_TOOL} {"tool": "${tool.name}"} checks again.` });
      }, this.budgetMs);
    });
    return Promise.race([work, lateNote]).finally(() => clearTimeout(timer));
  }
}

/** 400, 404, 405 and 422 may come from a stale definition; a 401 only when it is about a scope. */
function worthChecking(status: number, result: ToolResult): boolean {
  if (DRIFT_STATUSES.has(status)) return true;
  return status === 401 && /scope/i.test(JSON.stringify(result.details?.error?.message ?? ''));
}

import type { Change } from './drift.js';
import type { ApplyOutcome, ModuleCheck } from './updater.js';

/** Agents pay for every line: a long drift report lists the first changes and says how many more there are. */
const MAX_LINES = 120;
const MAX_CHANGES_PER_TOOL = 6;

export interface DriftCounts {
  changed: number;
  removed: number;
  added: number;
  unreachable: number;
}

export function countDrift(checks: ModuleCheck[]): DriftCounts {
  const counts = { changed: 0, removed: 0, added: 0, unreachable: 0 };
  for (const check of checks) {
    if (check.error) counts.unreachable += 1;
    counts.changed += check.drift?.changed.length ?? 0;
    counts.removed += check.drift?.removed.length ?? 0;
    counts.added += check.drift?.added.length ?? 0;
  }
  return counts;
}

/** One tool's changes on one line. */
export function changeLine(changes: Change[]): string {
  const shown = changes.slice(0, MAX_CHANGES_PER_TOOL).map((change) => change.text);
  if (changes.length > MAX_CHANGES_PER_TOOL) shown.push(`and ${changes.length - MAX_CHANGES_PER_TOOL} more`);
  return shown.join('; ');
}

/** The drift of every module checked, in plain words. */
export function checkReport(source: string, checks: ModuleCheck[]): string {
  const counts = countDrift(checks);
  const lines = [`Compared with the live docs at ${source}: ${checks.length} module${checks.length === 1 ? '' : 's'} checked.`];
  for (const check of checks) {
    if (check.error) {
      lines.push(`${check.module}: could not read the live docs: ${check.error}`);
      continue;
    }
    const { drift, live } = check;
    if (!drift || !live) continue;
    if (drift.changed.length + drift.removed.length + drift.added.length === 0) {
      if (checks.length === 1) lines.push(`${check.module}: no difference (docs sha256 ${live.fingerprint.slice(0, 12)}).`);
      continue;
    }
    lines.push(`${check.module} (docs sha256 ${live.fingerprint.slice(0, 12)}):`);
    for (const { tool, changes } of drift.changed) lines.push(`- ${tool.name}: ${changeLine(changes)}`);
    for (const tool of drift.removed) lines.push(`- ${tool.name}: removed: the live docs no longer have ${tool.entry.method} ${tool.entry.path} (${tool.entry.operationId})`);
    for (const entry of drift.added) lines.push(`- new operation ${entry.method} ${entry.path} (${entry.operationId}): not in the catalog yet; apply adds it as ${entry.name}`);
  }
  const total = counts.changed + counts.removed + counts.added;
  if (total === 0 && counts.unreachable === 0 && checks.length > 1) lines.push('Every module matches the live docs.');
  if (total > 0) {
    lines.push(
      `Next: ghl_self_update with action "apply" (same tool/module) re-registers the ${counts.changed} changed tool(s), adds the ${counts.added} new and drops the ${counts.removed} removed; the server tells your client its tool list changed.`,
    );
  }
  return capped(lines);
}

/** What apply did, including what it deliberately did not do. */
export function applyReport(outcome: ApplyOutcome, writers: string[]): string {
  const lines: string[] = [];
  if (outcome.replaced.length > 0) lines.push(`Re-registered from the live docs: ${outcome.replaced.join(', ')}.`);
  if (outcome.added.length > 0) lines.push(`Added as new tools: ${outcome.added.join(', ')}.`);
  if (outcome.removed.length > 0) lines.push(`Dropped (the live docs no longer have them): ${outcome.removed.join(', ')}.`);
  for (const tool of outcome.kept) {
    lines.push(`Kept ${tool}: you selected it by name (--tools), but the live docs no longer have it; take it out of your selection.`);
  }
  if (outcome.skipped.length > 0) lines.push(`Not added (the name is taken): ${outcome.skipped.join(', ')}.`);
  if (lines.length === 0) return 'Nothing to apply: the tools in scope match the live docs.';
  if (outcome.replaced.length + outcome.added.length + outcome.removed.length === 0) return lines.join('\n');
  if (writers.length > 0) lines.push(`This server is read-only: ${writers.join(', ')} write and stay unreachable.`);
  lines.push('file' in outcome.saved ? `Saved to ${outcome.saved.file}; the next start uses them (--no-overrides ignores them).` : `Overrides ${outcome.saved.reason}.`);
  lines.push('Your tool list changed (notifications/tools/list_changed sent); call the changed tools with their new arguments.');
  return lines.join('\n');
}

function capped(lines: string[]): string {
  if (lines.length <= MAX_LINES) return lines.join('\n');
  return [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines (check one module at a time to see them).`].join('\n');
}

import type { ToolEntry } from '../catalog/types.js';
import { type Findings, refuse } from './coerce.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The longest range the documents allow between a pair of epoch-ms arguments (`x-range-days` on both, e.g.
 * free slots: 31 days), checked once the values are numbers; an empty or reversed range is refused too.
 */
export function checkSpan(entry: ToolEntry, args: Record<string, unknown>, found: Findings): void {
  const pair = entry.args.filter((arg) => typeof arg.schema['x-range-days'] === 'number');
  if (pair.length !== 2) return;
  const [from, to] = pair.map((arg) => arg.name) as [string, string];
  const maxDays = pair[0]!.schema['x-range-days'] as number;
  const [start, end] = [args[from], args[to]];
  if (typeof start !== 'number' || typeof end !== 'number') return;
  if (end < start) refuse(found, to, `${end} is before ${from} ${start}; send a ${to} after ${from}`);
  else if (end === start) refuse(found, to, `the same moment as ${from}, an empty range; for a whole day, send the next day's date as ${to}`);
  else if (end - start > maxDays * DAY) {
    const days = Math.round(((end - start) / DAY) * 10) / 10;
    refuse(found, to, `${from} to ${to} spans ${days} days; GHL answers at most ${maxDays} days per call, so ask for ${maxDays} days or fewer at a time`);
  }
}

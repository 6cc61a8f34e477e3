import type { ToolOverlay } from '../../tools/overlays/types.js';
import type { Detail } from './hints.js';
import type { PagingStyle, ToolEntry } from './types.js';

/**
 * A tool's description, from facts: what it does (the curated overlay line, or the operation's title and the
 * shape of its documented answer), then method, path and scopes where the listing has room for them, then the
 * notes that change how to call it (token kind, paging, deprecation).
 */

const PAGING_HINTS: Record<PagingStyle, string> = {
  'limit-offset': 'Pages: limit + offset.',
  'limit-skip': 'Pages: limit + skip.',
  'body-skip-limit': 'Pages: skip + limit.',
  'page-limit': 'Pages: page + limit.',
  'page-pagesize': 'Pages: page + page size.',
  'start-after': 'Pages: pass startAfter/startAfterId from the last result.',
  'start-after-date': 'Pages: pass startAfterDate from the last result.',
  'search-after': 'Pages: page, or searchAfter from the last result.',
  'last-id': 'Pages: pass the last id seen.',
  cursor: 'Pages: pass nextCursor as cursor.',
  page: 'Pages: page.',
  next: 'Pages: pass next from the last result.',
};

const SELF_EVIDENT_PAGING = new Set<PagingStyle>(['limit-offset', 'limit-skip', 'body-skip-limit', 'page-limit', 'page-pagesize', 'page']);

/**
 * What the tool does, in one line: never only its method and path. The operation's title is left out of a lean
 * line when the tool's name already says all of it and the answer's shape is known.
 */
export function toolLead(entry: ToolEntry, overlay: ToolOverlay, detail: Detail = 'full', name = entry.name): string {
  if (overlay.description) return detail === 'lean' ? firstClause(overlay.description) : overlay.description;
  const title = `${entry.summary.replace(/\s+/g, ' ').replace(/\.$/, '')}.`;
  if (!entry.returns) return title;
  // A lean line names only the main part of the answer (its records, or the record's ID).
  const returns = detail === 'lean' ? entry.returns.split(', ')[0]! : entry.returns;
  return detail === 'lean' && !summaryAddsToName(entry.summary, name) ? `Returns ${returns}.` : `${title} Returns ${returns}.`;
}

/**
 * A curated line up to its first sentence or clause (outside parentheses): what the tool does. A lean list of
 * every tool has no room for the rest (when to take a neighbour instead, what comes back).
 */
export function firstClause(text: string): string {
  let depth = 0;
  for (let index = 0; index < text.length - 1; index += 1) {
    const char = text[index]!;
    if (char === '(') depth += 1;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (char === ';' || char === '.') && text[index + 1] === ' ' && index >= MIN_CLAUSE_CHARS) return `${text.slice(0, index)}.`;
  }
  return text;
}

const MIN_CLAUSE_CHARS = 20;

const FILLER_WORDS = new Set(['a', 'an', 'the', 'for', 'by', 'of', 'to', 'in', 'on', 'and', 'or', 'with', 'from', 'api']);

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word && !FILLER_WORDS.has(word))
    .map((word) => word.replace(/(ies|s)$/, (end) => (end === 'ies' ? 'y' : '')));
}

/** Whether the documents' title says more than the tool name (agents pay per byte). */
export function summaryAddsToName(summary: string, name: string): boolean {
  const nameWords = new Set(words(name));
  return words(summary).some((word) => !nameWords.has(word));
}

/** `rules`: what the tool checks beyond its schema (errata rules such as "exactly one of"), one sentence each. */
export function toolDescription(entry: ToolEntry, overlay: ToolOverlay, detail: Detail, name = entry.name, rules: string[] = []): string {
  const parts = [toolLead(entry, overlay, detail, name), ...rules];
  if (detail !== 'lean') {
    parts.push(`${entry.method} ${entry.path}.`);
    if (entry.scopes) parts.push(`Scopes: ${entry.scopes.join(' ')}.`);
  }
  const tokens = entry.tokens ?? [];
  if (tokens.length === 1 && tokens[0] === 'agency') parts.push('Agency token.');
  if (entry.oauthOnly) parts.push(detail === 'lean' ? 'OAuth token only.' : 'OAuth token only (not a Private Integration Token).');
  // A lean list leaves out paging notes that the arguments themselves say (limit + offset).
  if (entry.paging && (detail !== 'lean' || !SELF_EVIDENT_PAGING.has(entry.paging))) parts.push(PAGING_HINTS[entry.paging]);
  if (entry.deprecated) parts.push('Deprecated.');
  return parts.join(' ');
}

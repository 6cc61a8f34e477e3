import { API_GAPS, type ApiGap } from '../../tools/overlays/gaps.js';
import { terms } from './search.js';

interface IndexedGap {
  gap: ApiGap;
  words: Set<string>;
}

let indexed: IndexedGap[] | undefined;

/**
 * Capabilities GHL has no API for that a query asks about: every query word must appear in the gap's
 * description or in the endpoints people try for it, so "create webhook" finds the webhook gap and
 * "create contact" finds none.
 */
export function matchGaps(query: string): ApiGap[] {
  const words = [...new Set(terms(query))];
  if (words.length === 0) return [];
  indexed ??= API_GAPS.map((gap) => ({ gap, words: new Set(terms(`${gap.capability} ${gap.asked.join(' ')}`)) }));
  return indexed.filter((entry) => words.every((word) => entry.words.has(word))).map((entry) => entry.gap);
}

import type { CatalogTool } from '../catalog/catalog.js';
import { SYNONYMS } from './synonyms.js';

/** How much a word counts by where it appears in a tool. */
const FIELD_WEIGHTS = { name: 3, module: 3, summary: 2, path: 1.5, args: 0.75 } as const;
/** A synonym match counts this much of a match on the word itself. */
const SYNONYM_WEIGHT = 0.6;
const DEPRECATED_WEIGHT = 0.7;

/** SYNONYMS keyed by stemmed word, as query words arrive here. */
let synonymTerms: Map<string, string[]> | undefined;

const STOP_WORDS = new Set(
  'a an the to of for in on at by with from into and or my me i we our please can you how do does is are be it its this that some any'.split(' '),
);

/** Lowercase words of a text: camelCase and snake_case split, stop words dropped, light stemming. */
export function terms(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word && !STOP_WORDS.has(word))
    .map(stem);
}

/** Enough stemming that "messages", "message" and "messaging" meet; not a linguist's stemmer. */
function stem(word: string): string {
  let out = word;
  if (out.length > 4 && out.endsWith('ies')) out = `${out.slice(0, -3)}y`;
  else if (out.length > 3 && out.endsWith('s') && !out.endsWith('ss') && !out.endsWith('us')) out = out.slice(0, -1);
  if (out.length > 5 && out.endsWith('ing')) out = out.slice(0, -3);
  else if (out.length > 4 && out.endsWith('ed')) out = out.slice(0, -2);
  if (word !== out && /([b-df-hj-np-tv-z])\1$/.test(out)) out = out.slice(0, -1);
  if (out.length > 3 && out.endsWith('e')) out = out.slice(0, -1);
  return out;
}

interface Indexed {
  tool: CatalogTool;
  /** Each term of the tool with the weight of the best field it appears in. */
  weights: Map<string, number>;
  nameTerms: string[];
}

export interface SearchHit {
  tool: CatalogTool;
  score: number;
}

/** Ranks catalog tools for a natural-language query: by name, module, summary, path and argument names. */
export class ToolSearch {
  private readonly indexed: Indexed[];
  private readonly documentFrequency = new Map<string, number>();

  constructor(tools: CatalogTool[]) {
    this.indexed = tools.map((tool) => this.index(tool));
    for (const entry of this.indexed) {
      for (const term of entry.weights.keys()) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    }
  }

  search(query: string, accept: (tool: CatalogTool) => boolean, limit: number): SearchHit[] {
    const words = [...new Set(terms(query))];
    if (words.length === 0) return [];
    const alternatives = words.map((word) => this.alternatives(word));
    const hits: SearchHit[] = [];
    for (const entry of this.indexed) {
      if (!accept(entry.tool)) continue;
      let score = 0;
      let matched = 0;
      const used = new Set<string>();
      for (const options of alternatives) {
        let best = 0;
        for (const [term, { weight, idf }] of options) {
          const field = entry.weights.get(term);
          if (field !== undefined) {
            best = Math.max(best, field * weight * idf);
            used.add(term);
          }
        }
        if (best > 0) matched += 1;
        score += best;
      }
      if (score === 0) continue;
      // Queries are short: a tool that matches every word, and whose name is mostly matched, is the better answer.
      const coverage = matched / words.length;
      const nameCoverage = entry.nameTerms.filter((term) => used.has(term)).length / entry.nameTerms.length;
      score *= (0.4 + 0.6 * coverage * coverage) * (0.7 + 0.3 * nameCoverage);
      if (entry.tool.entry.deprecated) score *= DEPRECATED_WEIGHT;
      hits.push({ tool: entry.tool, score });
    }
    return hits.sort((a, b) => b.score - a.score || a.tool.name.length - b.tool.name.length).slice(0, limit);
  }

  /**
   * A query word and its synonyms, each with what a match on it is worth. A synonym is never worth more than
   * the word itself: a rare synonym ("remove") must not outrank the common word the user typed ("delete").
   */
  private alternatives(word: string): Map<string, { weight: number; idf: number }> {
    const own = this.idf(word);
    const options = new Map([[word, { weight: 1, idf: own }]]);
    synonymTerms ??= new Map(Object.entries(SYNONYMS).flatMap(([key, values]) => terms(key).map((term) => [term, values] as const)));
    const cap = this.documentFrequency.has(word) ? own : Infinity;
    for (const synonym of synonymTerms.get(word) ?? []) {
      for (const term of terms(synonym)) {
        if (!options.has(term)) options.set(term, { weight: SYNONYM_WEIGHT, idf: Math.min(this.idf(term), cap) });
      }
    }
    return options;
  }

  private idf(term: string): number {
    return Math.log(1 + this.indexed.length / (this.documentFrequency.get(term) ?? 1));
  }

  private index(tool: CatalogTool): Indexed {
    const weights = new Map<string, number>();
    const add = (text: string, weight: number) => {
      for (const term of terms(text)) weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    };
    const operation = tool.name.slice(tool.module.length + 1);
    add(tool.entry.args.map((arg) => arg.name).join(' '), FIELD_WEIGHTS.args);
    add(tool.entry.path, FIELD_WEIGHTS.path);
    add(`${tool.entry.summary} ${tool.overlay.description ?? ''}`, FIELD_WEIGHTS.summary);
    add(tool.module, FIELD_WEIGHTS.module);
    add(operation, FIELD_WEIGHTS.name);
    return { tool, weights, nameTerms: [...new Set(terms(operation))] };
  }
}

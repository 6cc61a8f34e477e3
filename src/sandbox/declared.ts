import type { ToolEntry } from '../catalog/types.js';
import { unprocessable } from './http.js';

/**
 * GHL's validators refuse what an operation does not declare: 422 `property X should not exist`, for a top-level
 * field of a JSON body and for a query parameter (doc-errata.md, behaviour "Undeclared body properties"). What is
 * declared is the corrected contract: the documents plus the fields errata show the live API accepts.
 */
export function checkDeclared(entry: ToolEntry, query: URLSearchParams, json: unknown): void {
  const names = (where: string) => new Set(entry.args.filter((arg) => arg.in === where).map((arg) => arg.wire ?? arg.name));
  const found: string[] = [];
  const queryNames = names('query');
  for (const name of new Set(query.keys())) if (!queryNames.has(name)) found.push(`property ${name} should not exist`);
  const checksBody = entry.body?.encoding === 'json' && !entry.body.whole;
  if (checksBody && typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const bodyNames = names('body');
    for (const name of Object.keys(json)) if (!bodyNames.has(name)) found.push(`property ${name} should not exist`);
  }
  if (found.length > 0) throw unprocessable(found);
}

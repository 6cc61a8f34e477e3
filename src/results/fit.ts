/** Cutting a result to the result limit at a boundary an agent can read: whole list items, else a whole field. */

export interface Fitted {
  text: string;
  /** Items of the list shown, when the list was shortened. */
  shown?: number;
  /** The text was shortened by characters, not by items (no list, or not even one item fits). */
  cutChars?: boolean;
}

/**
 * The JSON of `value` within `maxChars`. With a list at `listPath`, as many whole items as fit (still valid
 * JSON, every other field kept); without one, the text up to the last field that fits.
 */
export function fitJson(value: unknown, listPath: readonly string[] | undefined, maxChars: number): Fitted {
  const full = JSON.stringify(value);
  if (full.length <= maxChars) return { text: full };
  const items = listPath ? listAt(value, listPath) : undefined;
  if (items && items.length > 0) {
    let length = JSON.stringify(replaceAt(value, listPath!, [])).length;
    let fits = 0;
    for (const item of items) {
      length += JSON.stringify(item).length + (fits > 0 ? 1 : 0);
      if (length > maxChars) break;
      fits += 1;
    }
    if (fits > 0) return { text: JSON.stringify(replaceAt(value, listPath!, items.slice(0, fits))), shown: fits };
  }
  return { text: cutText(full, maxChars), cutChars: true };
}

/** Text cut before `maxChars`, at the last comma that starts a field or an item when one is near. */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  for (let index = Math.min(maxChars, text.length - 1); index > maxChars / 2; index -= 1) {
    if (text[index] === ',' && '"{['.includes(text[index + 1] ?? '')) return text.slice(0, index);
  }
  return text.slice(0, maxChars);
}

export function listAt(value: unknown, path: readonly string[]): unknown[] | undefined {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return Array.isArray(at) ? at : undefined;
}

export function replaceAt(value: unknown, path: readonly string[], items: unknown[]): unknown {
  if (path.length === 0) return items;
  const [key, ...rest] = path;
  const object = value as Record<string, unknown>;
  return { ...object, [key!]: replaceAt(object[key!], rest, items) };
}

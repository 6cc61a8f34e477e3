import type { Json } from './types.js';

/** The array at `value`, or none: GHL leaves lists out instead of sending `[]`. */
export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((item): item is Json => typeof item === 'object' && item !== null) : [];
}

/** GHL's IDs are `id` in most modules and `_id` in a few (installed locations, products). */
export function idOf(item: Json): string | undefined {
  const id = item.id ?? item._id;
  return typeof id === 'string' && id ? id : undefined;
}

/** The object without empty fields (undefined, null, '', []), in the key order given: IDs and names first. */
export function compact(fields: Json): Json {
  const kept: Json = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    kept[key] = value;
  }
  return kept;
}

/**
 * A bounded list under `key`: at most `max` items, the total, and — when some were left out — how many and
 * which tool reads them all.
 */
export function bounded(key: string, items: Json[], max: number, more: string, total = items.length): Json {
  const view: Json = { [key]: items.slice(0, max), total };
  const omitted = total - Math.min(items.length, max);
  if (omitted > 0) Object.assign(view, { omitted, more });
  return view;
}

/** Text of at most `max` characters, marked when cut (custom values can hold whole HTML snippets). */
export function clip(text: unknown, max: number): string | undefined {
  if (typeof text !== 'string') return undefined;
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

/**
 * Serialises a view within `maxChars`: when it is too long, the largest list loses items from its end (and says
 * how many) until it fits. Views are small lists of IDs and names, so this rarely runs.
 */
export function fitText(view: Json, maxChars: number): string {
  let text = JSON.stringify(view);
  if (text.length <= maxChars) return text;
  const key = Object.keys(view)
    .filter((name) => Array.isArray(view[name]))
    .sort((a, b) => view[b].length - view[a].length)[0];
  if (!key) return text.slice(0, maxChars);
  const items: unknown[] = view[key];
  let keep = items.length;
  while (keep > 0 && text.length > maxChars) {
    keep = Math.floor(keep * 0.8);
    const dropped = items.length - keep;
    const omitted = (typeof view.omitted === 'number' ? view.omitted : 0) + dropped;
    text = JSON.stringify({ ...view, [key]: items.slice(0, keep), omitted, more: view.more ?? 'Cut to fit the size limit.' });
  }
  return text;
}

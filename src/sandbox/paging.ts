import { unprocessable } from './http.js';

/** A whole-number query parameter within bounds, or GHL's 422 naming it. */
export function numberParam(query: URLSearchParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw unprocessable([`${name} must be a positive number`]);
  if (value > max) throw unprocessable([`${name} must not be greater than ${max}`]);
  return value;
}

/** Case-insensitive "contains" over the given fields (GHL's free-text `query` / `q` / `search`). */
export function matchesText(record: Record<string, unknown>, text: string | null | undefined, fields: string[]): boolean {
  if (!text) return true;
  const needle = text.toLowerCase();
  return fields.some((field) => typeof record[field] === 'string' && (record[field] as string).toLowerCase().includes(needle));
}

/** `Ada Lovelace` → `ada_lovelace`: how GHL derives field keys from names. */
export function snakeKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

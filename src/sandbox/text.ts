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

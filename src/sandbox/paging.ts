import { unprocessable } from './http.js';

/** A whole-number query parameter (limit, skip, offset, page) within bounds, or GHL's 422 naming it. */
export function numberParam(query: URLSearchParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw unprocessable([`${name} must be a positive number`]);
  if (value > max) throw unprocessable([`${name} must not be greater than ${max}`]);
  return value;
}

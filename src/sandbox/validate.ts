import { unprocessable } from './http.js';

/** A check on one body field; an array of strings means "one of these values". */
export type Rule = 'required' | 'string' | 'number' | 'boolean' | 'array' | 'object' | 'email' | 'date' | readonly string[];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks a request body the way GHL's validators do, naming each bad field in their words. */
export function problems(body: Record<string, unknown>, rules: Record<string, Rule[]>): string[] {
  const found: string[] = [];
  for (const [field, fieldRules] of Object.entries(rules)) {
    const value = body[field];
    if (value === undefined || value === null || value === '') {
      if (fieldRules.includes('required')) found.push(`${field} should not be empty`);
      continue;
    }
    for (const rule of fieldRules) {
      const problem = check(field, value, rule);
      if (problem) {
        found.push(problem);
        break;
      }
    }
  }
  return found;
}

/** Throws GHL's 422 when the body breaks any rule. */
export function validate(body: Record<string, unknown>, rules: Record<string, Rule[]>, extra: string[] = []): void {
  const found = [...problems(body, rules), ...extra];
  if (found.length > 0) throw unprocessable(found);
}

function check(field: string, value: unknown, rule: Rule): string | undefined {
  if (Array.isArray(rule)) {
    return rule.includes(value as string) ? undefined : `${field} must be one of the following values: ${rule.join(', ')}`;
  }
  switch (rule) {
    case 'string':
      return typeof value === 'string' ? undefined : `${field} must be a string`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${field} must be a number conforming to the specified constraints`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${field} must be a boolean value`;
    case 'array':
      return Array.isArray(value) ? undefined : `${field} must be an array`;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? undefined : `${field} must be an object`;
    case 'email':
      return typeof value === 'string' && EMAIL.test(value) ? undefined : `${field} must be an email`;
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : `${field} must be a valid ISO 8601 date string`;
    default:
      return undefined;
  }
}

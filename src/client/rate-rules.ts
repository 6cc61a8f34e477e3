/** One sliding window: at most `max` requests in any `intervalMs`. */
export interface WindowLimit {
  max: number;
  intervalMs: number;
}

/** The budget GHL grants one resource (location, company or token): a burst window and a daily allowance. */
export interface RateLimits extends WindowLimit {
  /** Requests allowed per day. */
  dailyMax: number;
}

/** What the operator set explicitly (flags or environment): each value caps whatever GHL announces. */
export type RateCap = Partial<RateLimits>;

/** What GHL's X-RateLimit-* headers announced for one resource. */
export type Announced = Partial<RateLimits>;

/** Marketplace apps (OAuth tokens) and Private Integration Tokens have different budgets. */
export type TokenKind = 'app' | 'pit';

/**
 * What is assumed until GHL's headers say otherwise: the published budget of marketplace apps, and the budget
 * measured for Private Integration Tokens (doc-errata.md, behaviours table).
 */
export const ASSUMED_LIMITS: Readonly<Record<TokenKind, RateLimits>> = {
  app: { max: 100, intervalMs: 10_000, dailyMax: 200_000 },
  pit: { max: 25, intervalMs: 10_000, dailyMax: 10_000 },
};

/** GHL's Private Integration Tokens start with `pit-`; OAuth access tokens are JWTs. */
export function tokenKind(token: string): TokenKind {
  return token.startsWith('pit-') ? 'pit' : 'app';
}

/** Every window enforced for one resource, each as its own constraint, and the daily allowance. */
export interface Budget {
  windows: WindowLimit[];
  dailyMax: number;
}

/**
 * The one rule for combining limits. GHL's announced window replaces the assumed one once seen (the assumption
 * is only a guess); an operator's explicit window replaces the assumption too, and caps GHL's window as a
 * separate constraint. Each window is enforced whole — never the smaller `max` of one with the longer interval
 * of another, which would throttle below what every source allows.
 */
export function budgetOf(assumed: RateLimits, cap: RateCap, announced: Announced): Budget {
  const operator = windowOf(cap, assumed);
  const ghl = windowOf(announced, assumed);
  const windows: WindowLimit[] = [];
  if (ghl) windows.push(ghl);
  else if (!operator) windows.push({ max: assumed.max, intervalMs: assumed.intervalMs });
  if (operator && !(ghl && sameWindow(ghl, operator))) windows.push(operator);
  const dailyMax = Math.min(announced.dailyMax ?? assumed.dailyMax, cap.dailyMax ?? Infinity);
  return { windows, dailyMax };
}

/** A tenth of the window may go at once; beyond that, requests are spaced at the window's average rate. */
export function burstOf(window: WindowLimit): number {
  return Math.max(1, Math.floor(window.max / 10));
}

export function sameWindow(a: WindowLimit, b: WindowLimit): boolean {
  return a.max === b.max && a.intervalMs === b.intervalMs;
}

/** The longest interval of a budget: how long a finished request can still count. */
export function longestInterval(budget: Budget): number {
  return Math.max(...budget.windows.map((window) => window.intervalMs));
}

function windowOf(source: Partial<WindowLimit>, assumed: WindowLimit): WindowLimit | undefined {
  if (source.max === undefined && source.intervalMs === undefined) return undefined;
  return { max: source.max ?? assumed.max, intervalMs: source.intervalMs ?? assumed.intervalMs };
}

import type { RecordedRequest } from '../../src/sandbox/fake-ghl.js';

/** The most requests the fake accepted within any window of `intervalMs` (GHL counts a window as (t - interval, t]). */
export function maxAcceptedInAnyWindow(requests: readonly RecordedRequest[], intervalMs: number): number {
  const times = requests.filter((request) => request.status !== 429).map((request) => request.time).sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= intervalMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function textOf(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0]?.text ?? '') as string;
}

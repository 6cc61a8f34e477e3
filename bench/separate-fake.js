// The fake GHL in a child process of its own, as GHL would be: in the bench's process its clock and its request
// log would wait on the bench writing calls. POST /bench/reset clears its log and sets its rate limit (or a named
// preset, e.g. {"preset": "pit"}); GET /bench/report returns the arrival times and statuses of the searches and
// the 429s it sent.
import { spawn } from 'node:child_process';
import { request } from 'undici';

export const SEARCH_TOOL = 'opportunities_search_opportunity';

export async function startSeparateFake(token) {
  const script =
    "const { FakeGhl } = await import('../src/sandbox/fake-ghl.ts');" +
    "const { PIT_RATE_LIMIT } = await import('../src/sandbox/traffic.ts');" +
    `const fake = new FakeGhl({ tokens: [${JSON.stringify(token)}] });` +
    "fake.route('GET', '/opportunities/search', () => ({ status: 200, body: { opportunities: [], meta: { total: 0 } } }));" +
    "fake.route('POST', '/bench/reset', (req) => { fake.requests.length = 0; fake.rateLimit(req.json?.preset === 'pit' ? PIT_RATE_LIMIT : req.json); return { status: 200, body: {} }; });" +
    "fake.route('GET', '/bench/report', () => ({ status: 200, body: { rejected: fake.rejected, requests: fake.requests.filter((r) => r.path === '/opportunities/search').map((r) => ({ time: r.time, status: r.status })) } }));" +
    'process.stdout.write((await fake.listen()) + "\\n");';
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data) => resolve(String(data).trim()));
  });
  const control = async (action, body) => {
    const response = await request(`${url}/bench/${action}`, {
      method: action === 'reset' ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    return response.body.json();
  };
  return {
    url,
    process: child,
    /** Clears the log and sets the rate limit (rules, { preset: 'pit' }, or null for none). */
    reset: (rules) => control('reset', rules ?? {}),
    report: () => control('report'),
    stop: () => child.kill(),
  };
}

/** The most accepted requests within any window of `intervalMs` (GHL counts a window as (t - interval, t]). */
export function maxInAnyWindow(times, intervalMs) {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= intervalMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Accepted requests in [from, to). */
export function acceptedBetween(requests, from, to) {
  return requests.filter((r) => r.status === 200 && r.time >= from && r.time < to).length;
}

export function round(value) {
  return Math.round(value * 100) / 100;
}

// What --sandbox adds to cold start: spawn → initialize + tools/list, with and without --sandbox, interleaved in one run.
// Usage: npm run build && node bench/sandbox.mjs [--runs 15]
import { parseArgs } from 'node:util';
import { median, runServer } from './lib.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);

const plain = [];
const sandbox = [];
await runServer([]); // warm the file cache for both
await runServer(['--sandbox']);
for (let index = 0; index < runs; index += 1) {
  plain.push(await runServer([]));
  sandbox.push(await runServer(['--sandbox']));
}

const plainMs = median(plain.map((run) => run.ms));
const sandboxMs = median(sandbox.map((run) => run.ms));
const result = {
  bench: 'sandbox-cold-start',
  runs,
  plain: { medianMs: round(plainMs), peakRssMb: round(median(plain.map((run) => run.rssMb))) },
  sandbox: { medianMs: round(sandboxMs), peakRssMb: round(median(sandbox.map((run) => run.rssMb))) },
  addedMs: round(sandboxMs - plainMs),
  ratio: round(sandboxMs / plainMs),
  targets: { ratio: 1.25 },
};
result.pass = { ratio: result.ratio <= result.targets.ratio };
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

function round(value) {
  return Math.round(value * 100) / 100;
}

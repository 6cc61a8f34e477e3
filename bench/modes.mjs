// tools/list bytes and cold start per toolset mode (discovery-only, default, all), against the SDK-import floor
// measured in the same run. Usage: npm run build && node bench/modes.mjs [--runs 11]
import { parseArgs } from 'node:util';
import { median, runFloor, runServer } from './lib.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '11' } } });
const runs = Number(values.runs);

const MODES = {
  discovery: ['--toolsets', 'discovery'],
  default: [],
  all: ['--toolsets', 'all'],
};
// The default list (35 tools) carries rich hints (formats, examples, where IDs come from, method and path), as any
// list short enough to afford them does; the all-576 list is held to 300 KB by cold-start.mjs.
const TARGETS = {
  discovery: { toolsListBytes: 6 * 1024 },
  default: { toolsListBytes: 45 * 1024, startRatio: 1.3, rssOverFloorMb: 15 },
  all: {},
};

// Warm the file cache once for every process kind, then interleave so drift hits all of them alike.
await runFloor();
for (const args of Object.values(MODES)) await runServer(args);
const floor = [];
const samples = Object.fromEntries(Object.keys(MODES).map((mode) => [mode, []]));
for (let index = 0; index < runs; index += 1) {
  floor.push(await runFloor());
  for (const [mode, args] of Object.entries(MODES)) samples[mode].push(await runServer(args));
}

const floorMs = median(floor.map((run) => run.ms));
const floorRss = median(floor.map((run) => run.rssMb));
const modes = {};
for (const [mode, runsOfMode] of Object.entries(samples)) {
  const ms = median(runsOfMode.map((run) => run.ms));
  const rssMb = median(runsOfMode.map((run) => run.rssMb));
  const measured = {
    args: MODES[mode],
    tools: runsOfMode[0].tools,
    toolsListBytes: runsOfMode[0].toolsListBytes,
    medianMs: round(ms),
    peakRssMb: round(rssMb),
    startRatio: round(ms / floorMs),
    rssOverFloorMb: round(rssMb - floorRss),
  };
  const targets = TARGETS[mode];
  const pass = Object.fromEntries(Object.entries(targets).map(([key, limit]) => [key, measured[key] <= limit]));
  modes[mode] = { ...measured, targets, pass };
}

const result = { bench: 'modes', runs, floor: { medianMs: round(floorMs), peakRssMb: round(floorRss) }, modes };
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

function round(value) {
  return Math.round(value * 100) / 100;
}

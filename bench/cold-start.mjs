// Cold start with all 576 tools: spawn → initialize + tools/list, against the SDK-import floor in the same run.
// Usage: npm run build && node bench/cold-start.mjs [--runs 15] [-- <server args>]
import { parseArgs } from 'node:util';
import { median, runFloor, runServer } from './lib.mjs';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '15' } }, allowPositionals: true });
const runs = Number(values.runs);
const serverArgs = positionals.length > 0 ? positionals : ['--toolsets', 'all'];

const floor = [];
const server = [];
await runServer(serverArgs); // warm the file cache once for both
await runFloor();
for (let index = 0; index < runs; index += 1) {
  floor.push(await runFloor());
  server.push(await runServer(serverArgs));
}

const floorMs = median(floor.map((run) => run.ms));
const floorRss = median(floor.map((run) => run.rssMb));
const serverMs = median(server.map((run) => run.ms));
const serverRss = median(server.map((run) => run.rssMb));
const result = {
  bench: 'cold-start',
  runs,
  serverArgs,
  tools: server[0].tools,
  toolsListBytes: server[0].toolsListBytes,
  floor: { medianMs: round(floorMs), peakRssMb: round(floorRss) },
  server: { medianMs: round(serverMs), peakRssMb: round(serverRss) },
  startRatio: round(serverMs / floorMs),
  rssOverFloorMb: round(serverRss - floorRss),
  targets: { toolsListBytes: 300 * 1024, startRatio: 2, rssOverFloorMb: 40 },
};
result.pass = {
  toolsListBytes: result.toolsListBytes <= result.targets.toolsListBytes,
  startRatio: result.startRatio <= result.targets.startRatio,
  rssOverFloorMb: result.rssOverFloorMb <= result.targets.rssOverFloorMb,
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

function round(value) {
  return Math.round(value * 100) / 100;
}

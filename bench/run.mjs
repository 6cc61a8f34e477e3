// Runs every benchmark in bench/ one after another (they share the machine) and prints their JSON results.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const benches = readdirSync(dir).filter((file) => file.endsWith('.mjs') && !['run.mjs', 'lib.mjs'].includes(file)).sort();
const results = [];
for (const file of benches) {
  process.stderr.write(`running ${file}\n`);
  const output = execFileSync(process.execPath, [path.join(dir, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  results.push(JSON.parse(output));
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

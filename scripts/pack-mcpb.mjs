#!/usr/bin/env node
// Packs the Claude Desktop bundle (ghl-mcp.mcpb): manifest.json, the built server (dist/, which bundles every
// dependency) and a package.json that marks it as ES modules. Run through `npm run pack:mcpb`, which builds first.
//   node scripts/pack-mcpb.mjs [--out FILE]
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packExtension } from '@anthropic-ai/mcpb';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = path.resolve(values.out ?? path.join(root, 'ghl-mcp.mcpb'));

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
if (manifest.version !== pkg.version) fail(`manifest.json says version ${manifest.version}, package.json ${pkg.version}: make them equal`);
if (!existsSync(path.join(root, 'dist/cli.js'))) fail('dist/cli.js is missing: run npm run build first');

const stage = mkdtempSync(path.join(tmpdir(), 'ghl-mcp-mcpb-'));
try {
  cpSync(path.join(root, 'manifest.json'), path.join(stage, 'manifest.json'));
  cpSync(path.join(root, 'README.md'), path.join(stage, 'README.md'));
  cpSync(path.join(root, 'dist'), path.join(stage, 'server'), { recursive: true });
  // dist/ is ESM in .js files: without this, Node would read them as CommonJS.
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module' }, null, 2)}\n`);
  if (!(await packExtension({ extensionPath: stage, outputPath: out, silent: true }))) fail('mcpb refused the bundle (run npx mcpb validate manifest.json)');
  process.stderr.write(`packed ${path.relative(process.cwd(), out) || out}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

function fail(message) {
  process.stderr.write(`pack-mcpb: ${message}\n`);
  process.exit(1);
}

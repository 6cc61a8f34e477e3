/**
 * Writes the endpoint catalog under tools/ from the official GHL OpenAPI documents.
 *   npm run generate                      # from ../shared/ghl-openapi/apps
 *   npm run generate -- --docs <dir|url>  # another folder, or the live documents
 *   npm run generate -- --check           # fail when tools/ differs from what the documents give
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { convertDocumentSet } from '../src/catalog/convert.js';
import { DEFAULT_DOCS_DIR, isUrl, loadDocumentSet } from '../src/catalog/documents.js';
import { buildIdSources, renderIdSources } from '../src/catalog/id-sources.js';
import { BANNER, renderIndex, renderModule } from '../src/catalog/render.js';
import { SchemaCompactor } from '../src/catalog/schema.js';
import { RESOURCES } from '../resources/index.js';
import { MODULE_SOURCES } from '../tools/index.js';

const TOOLS_DIR = path.resolve(import.meta.dirname, '../tools');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { docs: { type: 'string' }, check: { type: 'boolean' } } });
  const source = values.docs ?? process.env.GHL_DOCS_DIR ?? DEFAULT_DOCS_DIR;
  const docs = await loadDocumentSet(source, isUrl(source) ? [...MODULE_SOURCES] : undefined);
  const modules = convertDocumentSet(docs, (message) => process.stderr.write(`warning: ${message}\n`));

  const files = new Map<string, string>();
  for (const module of modules) files.set(`${module.source}.ts`, renderModule(module));
  files.set('index.ts', renderIndex(modules));
  files.set('id-sources.ts', renderIdSources(buildIdSources(docs, modules, new SchemaCompactor(docs), RESOURCES), BANNER));

  const count = modules.reduce((sum, module) => sum + module.tools.length, 0);
  if (values.check) {
    const stale = await staleFiles(files);
    if (stale.length > 0) {
      process.stderr.write(`tools/ is out of date with ${source} (${stale.join(', ')}). Run: npm run generate\n`);
      process.exit(1);
    }
    process.stderr.write(`tools/ matches ${source}: ${modules.length} modules, ${count} operations\n`);
    return;
  }
  await writeCatalog(files);
  process.stderr.write(`wrote ${modules.length} modules, ${count} operations to tools/\n`);
}

async function generatedFilesOnDisk(): Promise<string[]> {
  const entries = await readdir(TOOLS_DIR);
  return entries.filter((name) => name.endsWith('.ts'));
}

async function staleFiles(files: Map<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, text] of files) {
    const current = await readFile(path.join(TOOLS_DIR, name), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(current === undefined ? `missing ${name}` : name);
  }
  for (const name of await generatedFilesOnDisk()) {
    if (!files.has(name)) stale.push(`extra ${name}`);
  }
  return stale;
}

async function writeCatalog(files: Map<string, string>): Promise<void> {
  await mkdir(TOOLS_DIR, { recursive: true });
  for (const name of await generatedFilesOnDisk()) {
    if (!files.has(name)) await rm(path.join(TOOLS_DIR, name));
  }
  for (const [name, text] of files) await writeFile(path.join(TOOLS_DIR, name), text);
}

main().catch((error: unknown) => {
  process.stderr.write(`generate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

// What an agent sees in tools/list, per mode (default, one module, the six core modules, all 576): the bytes, the
// share of parameters with a hint (a description, example, enum or format; top-level arguments and nested
// listed fields alike), the tools whose description says nothing of their own (only method, path, scopes, token
// and paging notes), and required fields the listing hides (compared, at every depth, with the full schema
// ghl_describe_tool returns), and how many listed tools (the ghl_* tools included) two strict providers accept:
// OpenAI's strict function calling and Gemini's function declarations (test/helpers/provider-rules.ts). Runs the
// built server over stdio.
// Usage: npm run build && node bench/catalog-quality.mjs
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { register } from 'tsx/esm/api';
import { CLI, ROOT } from './lib.mjs';

register();
const { providerProblems } = await import('../test/helpers/provider-rules.ts');

const CORE = 'calendars,contacts,conversations,invoices,opportunities,payments';
// A strict provider refuses a whole request for one tool it cannot take: a toolset's list must be taken whole. The
// list of all tools exceeds what those providers take in one request anyway (128 functions): its counts are reported.
const STRICT = { openaiRefused: 0, geminiRefused: 0 };
const MODES = {
  default: { args: [], targets: { bareDescriptions: 0, hiddenRequired: 0, ...STRICT } },
  contacts: { args: ['--toolsets', 'contacts'], targets: { hintedShare: 0.9, bareDescriptions: 0, hiddenRequired: 0, ...STRICT } },
  core: { args: ['--toolsets', CORE], targets: { hintedShare: 0.9, bareDescriptions: 0, hiddenRequired: 0, ...STRICT } },
  all: { args: ['--toolsets', 'all'], targets: { toolsListBytes: 300 * 1024, bareDescriptions: 0, hiddenRequired: 0 } },
};
const DISCOVERY = new Set(['ghl_search_tools', 'ghl_describe_tool', 'ghl_call_tool', 'ghl_enable_toolset', 'ghl_self_update']);
/** Description sentences that are not the tool's own: method and path, scopes, token kind, paging, deprecation. */
const STOCK = [/^[A-Z]+ \/\S*\.$/, /^Scopes: .*\.$/, /^Agency token\.$/, /^OAuth token only.*\.$/, /^Pages: .*\.$/, /^Deprecated\.$/];
const MAX_LISTED = 10;

async function measure(args) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    cwd: ROOT,
    env: { PATH: process.env.PATH, GHL_API_KEY: 'bench-token', GHL_LOG_LEVEL: 'error' },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'catalog-quality', version: '1' });
  await client.connect(transport);
  try {
    const listed = await client.listTools();
    const tools = listed.tools.filter((tool) => !DISCOVERY.has(tool.name));
    const counts = { parameters: 0, hinted: 0 };
    const bare = [];
    const hidden = [];
    for (const tool of tools) {
      countHints(tool.inputSchema, counts);
      if (ownWords(tool.description) === '') bare.push(tool.name);
      const described = await client.callTool({ name: 'ghl_describe_tool', arguments: { name: tool.name } });
      const full = JSON.parse(described.content[0].text.slice(described.content[0].text.indexOf('{'))).inputSchema;
      for (const path of hiddenRequired(tool.inputSchema, full, '')) hidden.push(`${tool.name}: ${path}`);
    }
    return {
      args,
      tools: listed.tools.length,
      toolsListBytes: Buffer.byteLength(JSON.stringify(listed)),
      parameters: counts.parameters,
      hinted: counts.hinted,
      hintedShare: round(counts.hinted / counts.parameters),
      bareDescriptions: bare.length,
      ...(bare.length > 0 ? { bare: bare.slice(0, MAX_LISTED) } : {}),
      hiddenRequired: hidden.length,
      ...(hidden.length > 0 ? { hidden: hidden.slice(0, MAX_LISTED) } : {}),
      ...providerCounts(listed.tools),
    };
  } finally {
    await client.close();
  }
}

/** Tools each strict provider accepts as listed, of all listed; the first refused ones with their first problem. */
function providerCounts(tools) {
  const refused = { openai: [], gemini: [] };
  for (const tool of tools) {
    const problems = providerProblems(tool.inputSchema);
    for (const provider of ['openai', 'gemini']) if (problems[provider].length > 0) refused[provider].push(`${tool.name}: ${problems[provider][0]}`);
  }
  return {
    openaiAccepted: tools.length - refused.openai.length,
    openaiRefused: refused.openai.length,
    geminiAccepted: tools.length - refused.gemini.length,
    geminiRefused: refused.gemini.length,
    ...(refused.openai.length > 0 ? { openaiRefusedSample: refused.openai.slice(0, MAX_LISTED) } : {}),
    ...(refused.gemini.length > 0 ? { geminiRefusedSample: refused.gemini.slice(0, MAX_LISTED) } : {}),
  };
}

/** Every listed property, at every depth, counts once; it is hinted when it carries any of the four. */
function countHints(schema, counts) {
  for (const node of variants(schema)) {
    for (const property of Object.values(node.properties ?? {})) {
      counts.parameters += 1;
      if (property.description || property.examples || property.enum || property.format) counts.hinted += 1;
      countHints(property, counts);
    }
    if (node.items) countHints(node.items, counts);
  }
}

function variants(schema) {
  return Array.isArray(schema.anyOf) ? schema.anyOf : [schema];
}

/** The description without its stock sentences: empty when the tool says nothing of its own. */
function ownWords(description = '') {
  return description
    .split(/(?<=\.)\s+(?=[A-Z])/)
    .filter((sentence) => !STOCK.some((stock) => stock.test(sentence.trim())))
    .join(' ')
    .trim();
}

/**
 * Required fields of the full schema missing from the listing, at every depth the listing shows: a field absent,
 * or shown without its type, or without its enum (unless its hint names a sample of a standard set).
 */
function hiddenRequired(listed, full, path) {
  const found = [];
  const listedVariants = variants(listed);
  // The listing merges variants that look alike: a full variant is shown when some listed variant shows it whole.
  for (const fullNode of variants(full)) {
    const misses = listedVariants.map((listedNode) => hiddenInNode(listedNode, fullNode, path));
    found.push(...misses.reduce((fewest, miss) => (miss.length < fewest.length ? miss : fewest)));
  }
  return found;
}

function hiddenInNode(listedNode, fullNode, path) {
  const found = [];
  const required = new Set(fullNode.required ?? []);
  for (const [name, wanted] of Object.entries(fullNode.properties ?? {})) {
    const shown = listedNode.properties?.[name];
    const at = `${path}${path ? '.' : ''}${name}`;
    if (!shown) {
      if (required.has(name)) found.push(at);
      continue;
    }
    if (required.has(name) && wanted.type !== undefined && shown.type === undefined && !shown.anyOf) found.push(`${at} (type)`);
    // An enum Gemini cannot take (numbers) is said in words, all values: "one of 0, 1".
    else if (required.has(name) && Array.isArray(wanted.enum) && !Array.isArray(shown.enum) && !/e\.g\.|\bone of /.test(shown.description ?? '')) found.push(`${at} (enum)`);
    // A shown optional object still needs its required fields whenever it is sent.
    else found.push(...hiddenRequired(shown, wanted, at));
  }
  if (fullNode.items && listedNode.items) found.push(...hiddenRequired(listedNode.items, fullNode.items, `${path}[]`));
  return found;
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

const modes = {};
for (const [mode, { args, targets }] of Object.entries(MODES)) {
  const measured = await measure(args);
  const pass = Object.fromEntries(
    Object.entries(targets).map(([key, limit]) => [key, key === 'hintedShare' ? measured[key] >= limit : measured[key] <= limit]),
  );
  modes[mode] = { ...measured, targets, pass };
}
process.stdout.write(`${JSON.stringify({ bench: 'catalog-quality', modes }, null, 2)}\n`);

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { MODULES } from '../../tools/index.js';
import { OVERLAYS } from '../../tools/overlays/index.js';
import { MERGED_DOC, sharedMissing } from '../helpers/shared.js';
import { type PrismException, PRISM_EXCEPTIONS } from './exceptions.js';
import { closeLane, exerciseAll, invalidCalls, type Lane, openLane, type Outcome, type Problem } from './exercise.js';
import { type PrismMock, startPrism } from './prism.js';
import { prismBlindSpots, writeContractCopy } from './prism-document.js';
import type { Coverage } from './sample-args.js';

const TOOL_COUNT = 576;
/** Prism answers one request at a time; two servers keep it busy while each waits for its answer. */
const LANES = 2;

const SERVER_ENV = {
  GHL_API_KEY: 'contract-test-token',
  // Every toolset: the default lists a curated few.
  GHL_TOOLSETS: 'all',
  // The test checks what is sent, not pacing: the rate limiter must not hold back 576 calls to one location.
  GHL_RATE_LIMIT_MAX: '1000000',
};

const catalog = new Catalog(MODULES, OVERLAYS);

/** The problems left once the documented exceptions are set aside, and the exceptions that did not happen. */
function judge(outcomes: Outcome[], coverage: Coverage): { unexpected: string[]; unused: string[] } {
  const exceptions = PRISM_EXCEPTIONS.filter((exception) => exception.coverages.includes(coverage));
  const covers = (exception: PrismException, tool: string, problem: Problem) =>
    exception.tool === tool && exception.field === problem.field && (exception.message === undefined || problem.message.includes(exception.message));
  const unexpected = outcomes.flatMap(({ tool, problems }) =>
    problems.filter((problem) => !exceptions.some((exception) => covers(exception, tool, problem))).map((problem) => `${tool}: ${problem.field}: ${problem.message}`),
  );
  const unused = exceptions
    .filter((exception) => !outcomes.some((outcome) => outcome.problems.some((problem) => covers(exception, outcome.tool, problem))))
    .map(({ tool, field, message, erratum }) => `${tool}: ${field}${message ? ` "${message}" (erratum ${erratum})` : ''}`);
  return { unexpected, unused };
}

describe.skipIf(sharedMissing())('contract: every tool against Prism and the official documents', () => {
  let prism: PrismMock;
  let lanes: Lane[] = [];
  let workDir: string;
  let document: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'ghl-contract-'));
    document = await writeContractCopy(MERGED_DOC, workDir);
    prism = await startPrism(document);
    lanes = await Promise.all(Array.from({ length: LANES }, () => openLane(prism.url, SERVER_ENV)));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(lanes.map(closeLane));
    await prism?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('serves a document whose every request schema Prism can compile (else Prism silently checks nothing)', async () => {
    expect(await prismBlindSpots(document)).toEqual([]);
  }, 60_000);

  it(`lists all ${TOOL_COUNT} operations of the catalog as tools`, async () => {
    const { tools } = await lanes[0]!.session.client.listTools();
    // Besides the operations, the server may list its own helpers (discovery tools), which never call GHL.
    const operations = tools.map((tool) => tool.name).filter((name) => catalog.get(name));
    expect(operations).toHaveLength(TOOL_COUNT);
    expect(operations.sort()).toEqual(catalog.tools().map((tool) => tool.name).sort());
  });

  it.each(['required', 'all'] as const)(
    'sends exactly one request per tool with %s arguments, and Prism finds no error in any of them',
    async (coverage) => {
      const outcomes = await exerciseAll(lanes, catalog.tools(), coverage);
      expect(outcomes).toHaveLength(TOOL_COUNT);
      const { unexpected, unused } = judge(outcomes, coverage);
      expect(unexpected, 'requests that break the contract').toEqual([]);
      expect(unused, 'documented exceptions that no longer happen: remove them from exceptions.ts').toEqual([]);
    },
    240_000,
  );

  it.each(catalog.modules)('refuses invalid arguments for every %s tool that has required ones, sending nothing', async (module) => {
    const { proxy, session } = lanes[0]!;
    const cases = catalog
      .tools()
      .filter((tool) => tool.module === module)
      .flatMap((tool) => invalidCalls(tool).map((call) => ({ tool, ...call })));
    expect(cases.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const { tool, argument, args, what } of cases) {
      const before = proxy.requests.length;
      const result = await session.client.callTool({ name: tool.name, arguments: args });
      const text = (result.content as { text?: string }[])[0]?.text ?? '';
      if (result.isError !== true || !text.includes(argument) || proxy.requests.length !== before) {
        wrong.push(`${tool.name} ${what}: isError=${result.isError}, ${proxy.requests.length - before} request(s), ${text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COVERAGE_DOC, mapSeedRows, renderCoverage } from '../../scripts/seed-coverage.js';
import { API_GAPS } from '../../tools/overlays/gaps.js';
import { SHARED_DIR, sharedMissing } from '../helpers/shared.js';

const TSV = path.join(SHARED_DIR, 'reference/seed-reconciliation.tsv');

describe.skipIf(sharedMissing() || !existsSync(TSV))('coverage of the seed document', () => {
  it('maps every row the API can do to a real tool, and every other row to a stated gap', async () => {
    const rows = mapSeedRows(await readFile(TSV, 'utf8'));
    expect(rows.length).toBe(263);
    const unmapped = rows.filter((row) => !row.tool && !row.gap);
    expect(unmapped).toEqual([]);
    expect(rows.filter((row) => row.status === 'NONE').every((row) => row.gap && !row.tool)).toBe(true);
  });

  it('keeps docs/seed-coverage.md up to date', async () => {
    const rows = mapSeedRows(await readFile(TSV, 'utf8'));
    expect(await readFile(COVERAGE_DOC, 'utf8')).toBe(renderCoverage(rows));
  });
});

describe('documented API gaps', () => {
  it('point only at tools that exist', async () => {
    const { MODULES } = await import('../../tools/index.js');
    const names = new Set(MODULES.flatMap((module) => module.tools.map((tool) => tool.name)));
    for (const gap of API_GAPS) for (const tool of gap.tools) expect(names, gap.capability).toContain(tool);
  });
});

import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './mcp.js';

/** The official documents beside the project; absent on a fresh clone elsewhere. */
export const SHARED_DIR = path.resolve(ROOT, process.env.GHL_SHARED_DIR ?? '../shared');
export const DOCS_DIR = path.join(SHARED_DIR, 'ghl-openapi/apps');
export const MERGED_DOC = path.join(SHARED_DIR, 'ghl-openapi/merged-v2.json');

const present = existsSync(DOCS_DIR) && existsSync(MERGED_DOC);

/**
 * True when the tests that need ../shared must be skipped. With GHL_REQUIRE_SHARED=1 (set by .ci/run) a
 * missing ../shared is a failure, not a skip.
 */
export function sharedMissing(): boolean {
  if (present) return false;
  if (process.env.GHL_REQUIRE_SHARED === '1') {
    throw new Error(`GHL_REQUIRE_SHARED=1 but the official documents are not at ${SHARED_DIR}`);
  }
  process.stderr.write(`Skipping tests that need the official GHL documents: ${DOCS_DIR} not found (set GHL_SHARED_DIR).\n`);
  return true;
}

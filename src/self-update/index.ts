import type { Catalog } from '../catalog/catalog.js';
import type { CatalogModule } from '../catalog/types.js';
import type { SelfUpdateConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ToolOverlay } from '../../tools/overlays/types.js';
import { LiveDocs } from './live-docs.js';
import { FailureCheck } from './on-failure.js';
import { OverrideStore } from './overrides.js';
import { SelfUpdateTool } from './tool.js';
import { Updater } from './updater.js';

export { SELF_UPDATE_TOOL, selfUpdateDefinitions } from './tool.js';

export interface SelfUpdate {
  tool: SelfUpdateTool;
  failures: FailureCheck;
  /** For multi-tenant HTTP sessions: checks only. */
  tenant: { tool: SelfUpdateTool; failures: FailureCheck };
  /** Said to the client at start-up: which tools come from saved overrides. */
  notices: string[];
}

/**
 * Wires self-update onto a catalog: applies the saved overrides (before the tool selection is made, so a
 * re-registered or added tool can be selected by name), and builds the tool and the failed-call check.
 */
export function createSelfUpdate(
  catalog: Catalog,
  modules: readonly CatalogModule[],
  overlays: Record<string, ToolOverlay>,
  config: { selfUpdate: SelfUpdateConfig; selection: { tools?: readonly string[]; readOnly?: boolean } },
  logger: Logger,
): SelfUpdate {
  const { selfUpdate, selection } = config;
  const updater = new Updater(catalog, modules, overlays, {
    docs: new LiveDocs({ source: selfUpdate.docsUrl }),
    store: new OverrideStore(selfUpdate.overridesFile),
    persist: selfUpdate.useOverrides,
    logger,
  });
  const explicitTools = selection.tools ?? [];
  const notices = updater.loadSaved(explicitTools);
  const failures = new FailureCheck(updater, { mode: selfUpdate.mode, readOnly: selection.readOnly === true, explicitTools, logger });
  // Tenants of a multi-tenant server share the catalog: they may see drift, never change what every tenant gets.
  const tenantFailures = new FailureCheck(updater, { mode: selfUpdate.mode === 'apply' ? 'auto' : selfUpdate.mode, readOnly: true, explicitTools, logger });
  return { tool: new SelfUpdateTool(updater), failures, notices, tenant: { tool: new SelfUpdateTool(updater, false), failures: tenantFailures } };
}

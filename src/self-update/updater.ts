import { type Catalog, CatalogTool } from '../catalog/catalog.js';
import type { CatalogModule, ToolEntry } from '../catalog/types.js';
import type { Logger } from '../logger.js';
import type { ToolOverlay } from '../../tools/overlays/types.js';
import { compareModule, type ModuleDrift } from './drift.js';
import { same } from './schema-diff.js';
import type { LiveDocs, LiveModule } from './live-docs.js';
import { entryHash, type OverrideStore, type ToolOverride } from './overrides.js';

/** Which tools a check covers: one tool, one module, or (neither) the whole catalog. */
export interface Scope {
  tool?: string;
  module?: string;
}

/** One module compared with the live documents, or why it could not be. */
export interface ModuleCheck {
  module: string;
  live?: LiveModule;
  drift?: ModuleDrift;
  error?: string;
}

export interface ApplyOutcome {
  replaced: string[];
  added: string[];
  removed: string[];
  /** Tools the live documents no longer have but the user named (--tools): kept, and said so. */
  kept: string[];
  /** New operations whose tool name is already taken. */
  skipped: string[];
  /** Where the overrides were saved, or why they were not. */
  saved: { file: string } | { reason: string };
}

export interface UpdaterOptions {
  docs: LiveDocs;
  store: OverrideStore;
  /** False with --no-overrides: saved overrides are not loaded, and new ones last for this run only. */
  persist: boolean;
  logger: Logger;
}

const CONCURRENT_FETCHES = 4;
/** The start-up notice names this many overrides at most: it is part of every session's instructions. */
const MAX_NAMED = 20;

/**
 * Keeps the catalog in step with the live documents: compares registered tools with them, re-registers
 * changed tools and adds new operations at runtime, and saves those overrides for the next start.
 */
export class Updater {
  /** The bundled tools by catalog entry name, as they were before any override. */
  private readonly bundled = new Map<string, CatalogTool>();
  private readonly sources = new Map<string, string>();
  /** Overrides in force in this process, by entry name. */
  private readonly active = new Map<string, ToolOverride>();

  constructor(
    private readonly catalog: Catalog,
    modules: readonly CatalogModule[],
    private readonly overlays: Record<string, ToolOverlay>,
    readonly options: UpdaterOptions,
  ) {
    for (const module of modules) this.sources.set(module.module, module.source);
    for (const tool of catalog.tools()) this.bundled.set(tool.entry.name, tool);
  }

  get docsSource(): string {
    return this.options.docs.source;
  }

  /** Applies the saved overrides at start-up; returns what the user should be told. */
  loadSaved(explicitTools: readonly string[]): string[] {
    if (!this.options.persist) return [];
    let saved: ToolOverride[];
    try {
      saved = this.options.store.loadSync();
    } catch (error) {
      return [`Saved tool overrides ignored: ${(error as Error).message}`];
    }
    const usable = saved.filter((override) => this.stillApplies(override));
    const kept = usable.filter((override) => override.kind === 'remove' && explicitTools.includes(this.bundled.get(override.entryName)!.name));
    this.install(usable.filter((override) => !kept.includes(override)));
    const notices: string[] = [];
    if (this.active.size > 0) {
      const names = [...this.active.values()].map((override) => `${override.entryName} (${override.kind})`);
      const shown = names.length > MAX_NAMED ? `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more` : names.join(', ');
      notices.push(
        `${this.active.size} tool definitions come from the live GHL docs saved in ${this.options.store.file}, not from the bundled catalog: ` +
          `${shown}. ghl_self_update lists or clears them; --no-overrides ignores them.`,
      );
    }
    if (usable.length < saved.length) notices.push(`${saved.length - usable.length} saved tool overrides no longer match the bundled catalog and were ignored.`);
    for (const override of kept) {
      notices.push(`${override.entryName} is kept because you selected it by name, but the live docs no longer have this operation.`);
    }
    return notices;
  }

  /** Compares the tools in scope with the live documents, module by module. */
  async check(scope: Scope): Promise<ModuleCheck[]> {
    const modules = this.modulesOf(scope);
    const checks: ModuleCheck[] = [];
    for (let index = 0; index < modules.length; index += CONCURRENT_FETCHES) {
      checks.push(...(await Promise.all(modules.slice(index, index + CONCURRENT_FETCHES).map((module) => this.checkModule(module, scope.tool)))));
    }
    return checks;
  }

  /** Re-registers what the checks found: changed tools replaced, new operations added, removed ones dropped. */
  async apply(checks: ModuleCheck[], explicitTools: readonly string[]): Promise<ApplyOutcome> {
    const outcome: ApplyOutcome = { replaced: [], added: [], removed: [], kept: [], skipped: [], saved: { reason: '' } };
    const overrides: ToolOverride[] = [];
    /** Overrides that go (the bundled tool, if any, comes back): the live docs match the bundled tool again, or drop an added one. */
    const forget: string[] = [];
    for (const { live, drift } of checks) {
      if (!live || !drift) continue;
      const stamp = { module: drift.module, fingerprint: live.fingerprint, docs: live.url, appliedAt: new Date().toISOString() };
      for (const { tool, live: liveEntry } of drift.changed) {
        const entry = { ...liveEntry, name: tool.entry.name };
        const bundled = this.bundled.get(entry.name);
        // The live docs came back to what the catalog was built from: the bundled tool returns, no override needed.
        if (bundled && same(bundled.documented, entry)) forget.push(entry.name);
        else overrides.push({ ...stamp, entryName: entry.name, kind: bundled ? 'replace' : 'add', entry, ...this.baseHash(entry.name) });
        outcome.replaced.push(tool.name);
      }
      for (const tool of drift.removed) {
        if (explicitTools.includes(tool.name)) {
          outcome.kept.push(tool.name);
          continue;
        }
        if (this.bundled.has(tool.entry.name)) overrides.push({ ...stamp, entryName: tool.entry.name, kind: 'remove', ...this.baseHash(tool.entry.name) });
        else forget.push(tool.entry.name);
        outcome.removed.push(tool.name);
      }
      for (const entry of drift.added) {
        const bundled = this.bundled.get(entry.name);
        if (this.catalog.get(entry.name) || (bundled && this.catalog.get(bundled.name))) {
          outcome.skipped.push(entry.name);
          continue;
        }
        // An operation an earlier apply dropped is back: as bundled, or as the live docs now have it.
        if (bundled && same(bundled.documented, entry)) forget.push(entry.name);
        else overrides.push({ ...stamp, entryName: entry.name, kind: bundled ? 'replace' : 'add', entry, ...this.baseHash(entry.name) });
        outcome.added.push(bundled?.name ?? entry.name);
      }
    }
    if (overrides.length + forget.length === 0) return { ...outcome, saved: { reason: 'nothing to save' } };
    this.install(overrides, forget);
    outcome.saved = await this.save(overrides, (override) => forget.includes(override.entryName));
    return outcome;
  }

  /** Removes overrides (all, a module's or one tool's), puts the bundled tools back and forgets them on disk. */
  async clear(scope: Scope): Promise<{ cleared: string[]; forgotten: number; saved: ApplyOutcome['saved'] }> {
    const entryName = scope.tool && this.entryNameOf(scope.tool);
    const matches = (override: ToolOverride) =>
      entryName ? override.entryName === entryName : scope.module ? override.module === scope.module : true;
    const cleared = [...this.active.values()].filter(matches);
    this.install([], cleared.map((override) => override.entryName));
    const onDisk = this.list().saved;
    const forgotten = Array.isArray(onDisk) ? onDisk.filter(matches).length : 0;
    // Clearing is asked for explicitly, so it also reaches the file when this run ignores it (--no-overrides).
    return { cleared: cleared.map((override) => override.entryName), forgotten, saved: await this.save([], matches, true) };
  }

  /** Overrides in force now, and those saved on disk. */
  list(): { active: ToolOverride[]; saved: ToolOverride[] | string; file: string } {
    let saved: ToolOverride[] | string;
    try {
      saved = this.options.store.loadSync();
    } catch (error) {
      saved = (error as Error).message;
    }
    return { active: [...this.active.values()], saved, file: this.options.store.file };
  }

  /** The catalog tool by its listed name or its generated name. */
  findTool(name: string): CatalogTool | undefined {
    return this.catalog.get(name) ?? this.catalog.tools().find((tool) => tool.entry.name === name);
  }

  /** The generated name behind a listed name, also for a tool an override dropped. */
  private entryNameOf(name: string): string {
    return this.findTool(name)?.entry.name ?? [...this.bundled.values()].find((tool) => tool.name === name)?.entry.name ?? name;
  }

  modules(): string[] {
    return [...this.sources.keys()];
  }

  private modulesOf(scope: Scope): string[] {
    if (scope.tool) return [this.findTool(scope.tool)!.module];
    if (scope.module) return [scope.module];
    return this.modules();
  }

  private async checkModule(module: string, toolName?: string): Promise<ModuleCheck> {
    let live: LiveModule;
    try {
      live = await this.options.docs.module(this.sources.get(module)!);
    } catch (error) {
      return { module, error: (error as Error).message };
    }
    const registered = this.catalog.tools().filter((tool) => tool.module === module);
    const drift = compareModule(registered, live.module);
    if (!toolName) return { module, live, drift };
    const tool = this.findTool(toolName)!;
    return {
      module,
      live,
      drift: { module, changed: drift.changed.filter((item) => item.tool === tool), removed: drift.removed.filter((item) => item === tool), added: [] },
    };
  }

  private baseHash(entryName: string): { replaces?: string } {
    const bundled = this.bundled.get(entryName);
    return bundled ? { replaces: entryHash(bundled.documented) } : {};
  }

  /** An override is stale when the bundled catalog changed since (upgrade) or already has the added tool. */
  private stillApplies(override: ToolOverride): boolean {
    const bundled = this.bundled.get(override.entryName);
    if (override.kind === 'add') return !bundled && !this.catalog.get(override.entryName);
    return bundled !== undefined && override.replaces === entryHash(bundled.documented);
  }

  /** Puts overrides into the catalog, and takes out the tools of forgotten ones, in one change (one list_changed). */
  private install(overrides: ToolOverride[], forget: string[] = []): void {
    if (overrides.length + forget.length === 0) return;
    const put: CatalogTool[] = [];
    const remove: string[] = [];
    for (const entryName of forget) {
      const current = this.currentTool(entryName);
      const bundled = this.bundled.get(entryName);
      if (current && (!bundled || current.name !== bundled.name)) remove.push(current.name);
      if (bundled) put.push(bundled);
      this.active.delete(entryName);
    }
    for (const override of overrides) {
      const current = this.currentTool(override.entryName);
      if (override.kind === 'remove') {
        if (current) remove.push(current.name);
      } else {
        const tool = this.toolOf(override.module, override.entry!);
        if (current && current.name !== tool.name) remove.push(current.name);
        put.push(tool);
      }
      this.active.set(override.entryName, override);
    }
    this.catalog.change({ put, remove });
  }

  private currentTool(entryName: string): CatalogTool | undefined {
    return this.catalog.tools().find((tool) => tool.entry.name === entryName);
  }

  /** A live entry under the bundled tool's overlay; a read-only overlay only holds for the method it was written for. */
  private toolOf(module: string, entry: ToolEntry): CatalogTool {
    const bundled = this.bundled.get(entry.name);
    let overlay = this.overlays[entry.name] ?? {};
    if (overlay.readOnly && bundled && bundled.entry.method !== entry.method) {
      const { readOnly: _readOnly, ...rest } = overlay;
      overlay = rest;
    }
    return new CatalogTool(module, entry, overlay);
  }

  private async save(put: ToolOverride[], removeWhere: (override: ToolOverride) => boolean, always = false): Promise<ApplyOutcome['saved']> {
    if (!this.options.persist && !always) return { reason: 'not saved (--no-overrides): they last until the server stops' };
    try {
      await this.options.store.update(put, removeWhere);
      return { file: this.options.store.file };
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'overrides not saved');
      return { reason: `not saved (${(error as Error).message}): they last until the server stops` };
    }
  }
}

import type { z } from 'zod';
import { ARG_RULES } from '../../tools/overlays/defaults.js';
import type { ToolOverlay } from '../../tools/overlays/types.js';
import type { ArgSpec, CatalogModule, JsonSchema, ToolEntry } from './types.js';
import { withFills } from './fills.js';
import type { Detail, HintContext } from './hints.js';
import { describedSchema, listedSchema } from './listing.js';
import { toolDescription } from './tool-text.js';
import { type Corrections, correct, errataNotes } from './errata.js';
import { withErrata } from './errata-validator.js';
import { objectZod } from './zod.js';

/** Values that fill location / company arguments the caller left out. */
export interface ArgDefaults {
  locationId?: string;
  companyId?: string;
}

export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: JsonSchema & { type: 'object' };
  /** `title` is left out of the lean listing, where the description starts with the same words. */
  annotations: Partial<ToolAnnotations>;
}

/** The MCP specification's value for a hint that a tool leaves out. */
export const ANNOTATION_DEFAULTS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

/**
 * tools/list leaves out hints equal to the specification's defaults, and the write hints of read-only tools
 * (the specification gives them meaning only when readOnlyHint is false): same meaning, fewer bytes.
 */
export function listedAnnotations(annotations: ToolAnnotations, withoutTitle = false): ToolDefinition['annotations'] {
  const listed: ToolDefinition['annotations'] = withoutTitle ? {} : { title: annotations.title };
  for (const [hint, fallback] of Object.entries(ANNOTATION_DEFAULTS) as [keyof typeof ANNOTATION_DEFAULTS, boolean][]) {
    const writeHint = hint === 'destructiveHint' || hint === 'idempotentHint';
    if (annotations[hint] !== fallback && !(writeHint && annotations.readOnlyHint)) listed[hint] = annotations[hint];
  }
  return listed;
}

const DESTRUCTIVE_WORDS = /(^|_)(delete|remove|void|cancel|uninstall|disconnect|reset)(_|$)/;

/** One tool of the catalog: generated entry plus its overlay, with the derived pieces computed on demand. */
export class CatalogTool {
  readonly name: string;
  readonly readOnly: boolean;
  private validator?: z.ZodType;
  private fixed?: Map<string, unknown>;

  /** The contract: the generated entry with its errata applied (tools/overlays/errata.ts). */
  readonly entry: ToolEntry;
  /** The documents' contract, as generated (self-update compares it with the live documents). */
  readonly documented: ToolEntry;
  /** Which errata were applied to the documented entry, and which no longer fit it. */
  readonly corrections: Corrections;

  constructor(
    readonly module: string,
    entry: ToolEntry,
    readonly overlay: ToolOverlay = {},
  ) {
    this.documented = entry;
    this.corrections = correct(entry, overlay.errata);
    this.entry = this.corrections.entry;
    this.name = overlay.rename ?? entry.name;
    this.readOnly = entry.method === 'GET' || overlay.readOnly === true;
  }

  /** Arguments the configured defaults can fill, by argument name. */
  defaultedArgs(defaults: ArgDefaults): Map<string, unknown> {
    const filled = new Map<string, unknown>();
    const { locationId, companyId } = defaults;
    for (const arg of this.entry.args) {
      if (locationId && (arg.name === 'locationId' || arg.name === 'location_id')) filled.set(arg.name, locationId);
      if (companyId && arg.name === 'companyId') filled.set(arg.name, companyId);
    }
    // altId is the location when altType offers "location" (as its enum or, typed as free text, its example), or
    // when a required altId has no altType beside it (payment orders, product collections: "Location Id").
    const altId = this.arg('altId');
    const altType = this.arg('altType');
    const altTypes = [...((altType?.schema.enum as string[] | undefined) ?? (altType?.schema.examples as string[] | undefined) ?? [])];
    if (locationId && altId && (altTypes.includes('location') || (!altType && altId.required))) {
      filled.set('altId', locationId);
      if (altType) filled.set('altType', 'location');
    }
    return filled;
  }

  arg(name: string): ArgSpec | undefined {
    return this.entry.args.find((arg) => arg.name === name);
  }

  /**
   * The tools/list entry: listed (projected) input schema with hints, compact annotations. `detail`: `rich` when
   * a toolset is listed, `lean` when hundreds of tools share the list's byte budget.
   */
  definition(defaults: ArgDefaults, detail: Exclude<Detail, 'full'> = 'rich'): ToolDefinition {
    return {
      name: this.name,
      description: this.description(detail),
      inputSchema: listedSchema(this.askedSchema(defaults, detail), this.hintContext(defaults, detail)) as ToolDefinition['inputSchema'],
      annotations: listedAnnotations(this.annotations(), detail === 'lean'),
    };
  }

  /** What it does and returns; method, path and scopes unless `lean`; token and paging notes. */
  description(detail: Detail = 'full'): string {
    return toolDescription(this.entry, this.overlay, detail, this.name, errataNotes(this.corrections.applied));
  }

  /** The whole input schema with a hint on every field the facts speak about (ghl_describe_tool). */
  describedInputSchema(defaults: ArgDefaults): JsonSchema {
    return describedSchema(this.askedSchema(defaults), this.hintContext(defaults, 'full'));
  }

  /** The input schema as agents are asked for it: what the server fills (src/args) is optional and says so. */
  private askedSchema(defaults: ArgDefaults, detail: Detail = 'full'): JsonSchema {
    return withFills(this.inputSchema(defaults, detail), ARG_RULES[this.entry.name]);
  }

  private hintContext(defaults: ArgDefaults, detail: Detail): HintContext {
    const configured = new Set([...this.defaultedArgs(defaults).keys()].filter((name) => !this.constants().has(name) && name !== 'altType'));
    return { tool: this.name, module: this.module, path: this.entry.path, detail, configured, paging: this.entry.paging };
  }

  annotations(): ToolAnnotations {
    const { method } = this.entry;
    return {
      title: this.entry.summary,
      readOnlyHint: this.readOnly,
      destructiveHint: !this.readOnly && (method === 'DELETE' || DESTRUCTIVE_WORDS.test(this.entry.name)),
      idempotentHint: this.readOnly || method === 'PUT' || method === 'DELETE',
      openWorldHint: true,
    };
  }

  /** Required arguments with a single allowed value (e.g. `altType: "location"`): filled, never asked for. */
  constants(): Map<string, unknown> {
    this.fixed ??= new Map(
      this.entry.args
        .filter((arg) => arg.required && Array.isArray(arg.schema.enum) && arg.schema.enum.length === 1)
        .map((arg) => [arg.name, (arg.schema.enum as unknown[])[0]]),
    );
    return this.fixed;
  }

  /**
   * The input schema agents see: constants hidden, arguments a configured default fills optional, the overlay's
   * hints (a lean listing leaves out those written for listings with room).
   */
  inputSchema(defaults: ArgDefaults, detail: Detail = 'full'): JsonSchema {
    const constants = this.constants();
    return this.schemaOf(
      this.entry.args.filter((arg) => !constants.has(arg.name)),
      this.defaultedArgs(defaults),
      detail,
    );
  }

  /** The zod validator of the full contract (defaults and constants are filled before it runs), built on first use. */
  zod(): z.ZodType {
    this.validator ??= withErrata(objectZod(this.schemaOf(this.entry.args, new Map()), true), this.corrections.applied);
    return this.validator;
  }

  private schemaOf(args: ArgSpec[], optional: Map<string, unknown>, detail: Detail = 'full'): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const arg of args) {
      const help = this.overlay.args?.[arg.name] ?? (detail === 'lean' ? undefined : this.overlay.richArgs?.[arg.name]);
      properties[arg.name] = help ? { ...arg.schema, description: help } : arg.schema;
      if (arg.required && !optional.has(arg.name)) required.push(arg.name);
    }
    const schema: JsonSchema = { type: 'object', properties };
    if (required.length > 0) schema.required = required;
    return schema;
  }
}
/** Tools put in (new or replacing one of the same name) and tool names taken out, in one change. */
export interface CatalogChange {
  put?: CatalogTool[];
  remove?: string[];
}

export class Catalog {
  private readonly byName = new Map<string, CatalogTool>();
  private readonly listeners = new Set<() => void>();
  readonly modules: string[];
  /** Grows with every runtime change (self-update), so caches of tool lists know when they are stale. */
  revision = 0;

  constructor(modules: CatalogModule[], overlays: Record<string, ToolOverlay> = {}) {
    this.modules = modules.map((module) => module.module);
    for (const module of modules) {
      for (const entry of module.tools) this.add(new CatalogTool(module.module, entry, overlays[entry.name]));
    }
  }

  add(tool: CatalogTool): void {
    if (this.byName.has(tool.name) && this.byName.get(tool.name)!.entry.name !== tool.entry.name) {
      throw new Error(`Two catalog tools are named ${tool.name}`);
    }
    this.byName.set(tool.name, tool);
  }

  /** Changes tools at runtime (live-docs re-registration) and tells every listener once. */
  change({ put = [], remove = [] }: CatalogChange): void {
    for (const name of remove) this.byName.delete(name);
    for (const tool of put) this.add(tool);
    this.revision += 1;
    for (const listener of this.listeners) listener();
  }

  /** Called after each runtime change; returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(name: string): CatalogTool | undefined {
    return this.byName.get(name);
  }

  tools(): CatalogTool[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }
}

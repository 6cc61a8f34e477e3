import type { z } from 'zod';
import type { Refusal } from './args/coerce.js';
import { Lookups } from './args/lookups.js';
import { missingFieldText } from './args/missing.js';
import { ArgPreparer, notesBlock, type PreparedCall } from './args/prepare.js';
import type { ArgDefaults, CatalogTool } from './catalog/catalog.js';
import { errataChanges } from './catalog/errata-validator.js';
import type { JsonSchema } from './catalog/types.js';
import { CallCancelledError, CallFailedError, DailyBudgetError } from './client/errors.js';
import { type GhlClient, type GhlResponse, MissingCredentialsError } from './client/ghl-client.js';
import { type Logger, scrubJson } from './logger.js';
import { buildRequest, defaultResource, UnsafeArgumentError } from './request.js';
import { errorResult, type ResultFormat, successResult, type ToolResult, upstreamErrorResult } from './results.js';

export interface ExecutorOptions {
  defaults: ArgDefaults;
  maxResultChars: number;
  /** How 2xx answers are shown unless a call asks otherwise; default compact. */
  resultFormat?: ResultFormat;
  /** Values that must never appear in a result (tokens, client secrets); asked on every call, as tokens rotate. */
  secrets: () => readonly string[];
  /** Warnings added to every result while they hold (refreshed tokens not yet saved). */
  notices?: () => readonly string[];
  /** Adds to a GHL error result (self-update: what the live docs say about the operation). */
  onUpstreamError?: (tool: CatalogTool, result: ToolResult, status: number) => Promise<ToolResult>;
}

/** A 2xx response with the notes on how its arguments were converted or filled, or the finished (error) result. */
export type Fetched = { response: GhlResponse; notes: readonly string[]; result?: undefined } | { result: ToolResult; response?: undefined };

/** A finished tool call, with the arguments as sent (defaults filled): resources drop what a write changed. */
export type CallListener = (call: { tool: CatalogTool; args: Record<string, unknown>; result: ToolResult }) => void;

/**
 * Turns any catalog tool call into at most one HTTP request: fill defaults, convert and fill what the location
 * supplies, validate, build, send, shape the result (with notes on what was converted or filled).
 */
export class Executor {
  private readonly listeners = new Set<CallListener>();
  private readonly preparer: ArgPreparer;

  constructor(
    private readonly client: GhlClient,
    private readonly options: ExecutorOptions,
    private readonly logger: Logger,
  ) {
    this.preparer = new ArgPreparer(new Lookups(client), options.defaults);
  }

  async call(tool: CatalogTool, rawArgs: unknown, signal?: AbortSignal, format?: ResultFormat): Promise<ToolResult> {
    const prepared = await this.prepare(tool, rawArgs, signal);
    const fetched = await this.fetchPrepared(tool, prepared, signal);
    const result = fetched.response ? this.finish(tool, fetched.response, format, fetched.notes) : fetched.result;
    if (this.listeners.size > 0) this.announce(tool, prepared.args, result);
    return result;
  }

  /** Tells `listener` about every finished call; returns how to stop. */
  onResult(listener: CallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(tool: CatalogTool, args: unknown, result: ToolResult): void {
    const call = { tool, args: typeof args === 'object' && args !== null ? (args as Record<string, unknown>) : {}, result };
    for (const listener of this.listeners) {
      try {
        listener(call);
      } catch (error) {
        this.logger.warn({ tool: tool.name, err: (error as Error).message }, 'call listener failed');
      }
    }
  }

  /**
   * The one request path: a 2xx response for the caller to shape (a single result, or one page of many), or
   * the finished error result when validation, the request or GHL failed.
   */
  async fetch(tool: CatalogTool, rawArgs: unknown, signal?: AbortSignal): Promise<Fetched> {
    return this.fetchPrepared(tool, await this.prepare(tool, rawArgs, signal), signal);
  }

  /** Constants and configured defaults, then conversions and what the location supplies (src/args). */
  private async prepare(tool: CatalogTool, rawArgs: unknown, signal?: AbortSignal): Promise<PreparedCall> {
    const args = this.withDefaults(tool, rawArgs);
    try {
      return await this.preparer.prepare(tool, args, signal);
    } catch (error) {
      // The forgiving step must never cost a call: validation still judges the arguments as given.
      this.logger.warn({ tool: tool.name, err: (error as Error).message }, 'argument preparation failed');
      return { args, notes: [], refusals: [] };
    }
  }

  private async fetchPrepared(tool: CatalogTool, prepared: PreparedCall, signal?: AbortSignal): Promise<Fetched> {
    const { outcome, notes } = await this.run(tool, prepared, signal);
    return 'content' in outcome ? { result: this.scrub(outcome as ToolResult, notes) } : { response: outcome, notes };
  }

  /** The result of a 2xx response (or of pages merged into one), cut at the result cap and scrubbed, with the call's notes. */
  finish(tool: CatalogTool, response: GhlResponse, format = this.options.resultFormat ?? 'compact', notes: readonly string[] = []): ToolResult {
    return this.scrub(successResult(tool, response, { maxChars: this.options.maxResultChars, format }), notes);
  }

  /**
   * Validates and sends; the notes are the preparation's and, once validated, what the tool's errata changed
   * (src/catalog/errata-validator.ts): every change to what is sent is said.
   */
  private async run(tool: CatalogTool, prepared: PreparedCall, signal?: AbortSignal): Promise<{ outcome: ToolResult | GhlResponse; notes: readonly string[] }> {
    // Cancelled while a location or contact was read: what was read (or not) no longer matters.
    if (signal?.aborted) return { outcome: this.transportError(tool, new CallCancelledError(false)), notes: prepared.notes };
    const parsed = tool.zod().safeParse(prepared.args);
    if (!parsed.success || prepared.refusals.length > 0) {
      const issues = parsed.success ? [] : formatIssues(parsed.error, prepared.refusals, () => tool.describedInputSchema(this.options.defaults));
      const message = [...prepared.refusals.map((refusal) => refusal.text), ...issues];
      return { outcome: errorResult({ message, hint: `Fix the arguments listed and call ${tool.name} again.` }), notes: prepared.notes };
    }
    const notes = [...prepared.notes, ...errataChanges(parsed.data)];
    return { outcome: await this.send(tool, parsed.data as Record<string, unknown>, signal), notes };
  }

  /** Builds the one request of validated arguments and sends it: GHL's 2xx response, or the error result. */
  private async send(tool: CatalogTool, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolResult | GhlResponse> {
    let request;
    try {
      request = buildRequest(tool.entry, args);
    } catch (error) {
      if (error instanceof UnsafeArgumentError) {
        return errorResult({ message: error.message, hint: 'Pass the ID exactly as GHL returned it.' });
      }
      throw error;
    }
    request.resource ??= defaultResource(tool.entry, this.options.defaults);
    const started = performance.now();
    try {
      const response = await this.client.send(request, signal);
      this.logger.debug({ tool: tool.name, status: response.status, ms: Math.round(performance.now() - started) }, 'call');
      if (response.status >= 200 && response.status < 300) return response;
      return this.upstreamError(tool, response);
    } catch (error) {
      return this.transportError(tool, error);
    }
  }

  /** GHL's error result, added to by the onUpstreamError step, whose own failure never changes the answer. */
  private async upstreamError(tool: CatalogTool, response: GhlResponse): Promise<ToolResult> {
    const result = upstreamErrorResult(tool, response);
    if (!this.options.onUpstreamError) return result;
    try {
      return await this.options.onUpstreamError(tool, result, response.status);
    } catch (error) {
      this.logger.warn({ tool: tool.name, err: (error as Error).message }, 'upstream error step failed');
      return result;
    }
  }

  /** Fills what the caller left out: constants (single-value enums), then the configured location/company. */
  private withDefaults(tool: CatalogTool, rawArgs: unknown): unknown {
    if (rawArgs !== undefined && (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs))) return rawArgs;
    const args: Record<string, unknown> = { ...(rawArgs as Record<string, unknown> | undefined) };
    for (const [name, value] of tool.constants()) args[name] ??= value;
    const defaulted = tool.defaultedArgs(this.options.defaults);
    const altTypeFree = args.altType === undefined || args.altType === 'location';
    for (const [name, value] of defaulted) {
      if ((name === 'altId' || name === 'altType') && !altTypeFree) continue;
      args[name] ??= value;
    }
    return args;
  }

  private transportError(tool: CatalogTool, error: unknown): ToolResult {
    if (error instanceof MissingCredentialsError) {
      return errorResult({
        message: error.message,
        hint: error.hint ?? 'Set GHL_API_KEY to a Private Integration Token (or run `ghl-mcp auth login`) and restart the server.',
      });
    }
    if (error instanceof CallFailedError) {
      const resetsAt = error instanceof DailyBudgetError ? new Date(error.resetsAt).toISOString() : undefined;
      return errorResult({ message: error.message, hint: error.hint, sent: error.sent, ...(resetsAt && { resetsAt }) });
    }
    const cause = error as { name?: string; code?: string; message?: string };
    this.logger.warn({ tool: tool.name, code: cause.code, err: cause.message }, 'request failed');
    const safe = tool.readOnly || tool.entry.method === 'PUT' || tool.entry.method === 'DELETE';
    return errorResult({
      message: `Could not complete the request to GHL (${cause.code ?? cause.name ?? 'error'}: ${cause.message ?? String(error)})`,
      hint: safe ? 'A network problem or timeout; trying again is safe.' : 'A network problem or timeout; check whether the change happened before trying again.',
    });
  }

  /** Adds the warnings that hold, then the call's notes (last), and scrubs secrets from every string. */
  private scrub(result: ToolResult, notes: readonly string[] = []): ToolResult {
    const added = (this.options.notices?.() ?? []).map((text) => ({ type: 'text' as const, text }));
    const block = notesBlock(notes);
    if (block) added.push(block);
    if (added.length > 0) result = { ...result, content: [...result.content, ...added] };
    return scrubJson(result, this.options.secrets());
  }
}

/**
 * Validation's findings, except on arguments already refused with a better reason; a required field left out is
 * said so, with its hint (`described`: the schema ghl_describe_tool shows, built only when a field is missing).
 */
function formatIssues(error: z.ZodError, refusals: readonly Refusal[], described: () => JsonSchema): string[] {
  const refused = new Set(refusals.map((refusal) => refusal.path.replace(/\[(\d+)\]/g, '.$1')));
  let schema: JsonSchema | undefined;
  const wording = (path: readonly PropertyKey[], message: string) => (path.length > 0 && missingFieldText((schema ??= described()), path, message)) || message;
  return error.issues
    .map((issue) => ({ where: issue.path.length > 0 ? issue.path.join('.') : 'arguments', message: wording(issue.path, issue.message) }))
    .filter(({ where }) => !refused.has(where))
    .map(({ where, message }) => `${where}: ${message}`);
}

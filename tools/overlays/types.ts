import type { ArgSpec, JsonSchema } from '../../src/catalog/types.js';

/** Hand-written decorations applied over the generated catalog, keyed by the generated tool name. */
export interface ToolOverlay {
  /** A stable, clearer tool name replacing the generated one. */
  rename?: string;
  /** Our own description, replacing the generated summary sentence. */
  description?: string;
  /** Short help for individual arguments, shown in the argument's JSON Schema. */
  args?: Record<string, string>;
  /**
   * Help for arguments that only a listing with room shows (a toolset's list, ghl_describe_tool); the lean list of
   * every tool leaves it out, as it leaves out most generated hints. `args` wins for the same argument.
   */
  richArgs?: Record<string, string>;
  /** A POST that only reads (searches, lookups): annotated read-only and allowed in read-only mode. */
  readOnly?: true;
  /** A member of the curated `default` toolset. */
  default?: true;
  /** Corrections of the documents where the live API behaves otherwise (tools/overlays/errata.ts). */
  errata?: Erratum[];
}

/**
 * How strong the evidence behind an erratum is (the levels of shared/reference/doc-errata.md):
 * `confirmed` by GHL staff → the contract is patched to the live API; `reported` by users → both the documented
 * and the observed form are accepted, no new restriction unless the live API rejects the documented form;
 * `inferred` from examples → the call is not blocked on the document's constraint.
 */
export type EvidenceLevel = 'confirmed' | 'reported' | 'inferred';

/** One correction of the official documents, tied to its row of doc-errata.md. */
export interface Erratum {
  /** Short, stable id, e.g. `send-message-required`. */
  id: string;
  /** The row it comes from: module and operation as doc-errata.md names them. */
  row: { module: string; operation: string };
  level: EvidenceLevel;
  /** Generated tool names it corrects. */
  tools: string[];
  /** What changes in the tool contract, in a sentence. */
  change: string;
  patches: ErratumPatch[];
  /** Our help text for arguments the erratum adds or changes, by argument name. */
  hints?: Record<string, string>;
}

/**
 * A place in a tool's arguments: an argument name, `.name` for a nested property, `[]` for array items
 * (`customFields[]`, `gmbPostDetails.actionType`). Variants of an `anyOf` are all visited.
 */
export type SchemaPath = string;

/** A condition on another argument's value (`type` is `Email`). */
export interface Condition {
  arg: string;
  equals: unknown;
}

/** Checks on a whole call that JSON Schema in a tool listing cannot say; enforced by the tool's validator. */
export type ErratumRule =
  /** Exactly one of the arguments is given. */
  | { exactlyOne: string[] }
  /** At least one of the arguments is given (only when `when` holds). */
  | { atLeastOne: string[]; when?: Condition }
  /** The argument is needed when `when` holds. */
  | { required: string; when: Condition };

export type ErratumPatch =
  /** The arguments are no longer required. */
  | { kind: 'optional'; args: string[] }
  /** A new argument the documents leave out; `hint` is our help text for it. */
  | { kind: 'add'; arg: ArgSpec; hint?: string }
  /** The schema at `at` is replaced. */
  | { kind: 'schema'; at: SchemaPath; schema: JsonSchema; hint?: string }
  /** Typed `object` by the documents while their examples are scalars: any scalar or object is accepted. */
  | { kind: 'anyValue'; at: SchemaPath[] }
  /** Values taken out of an enum (`status: all` on writes). */
  | { kind: 'dropEnum'; at: SchemaPath; values: unknown[] }
  /** Values added to an enum. */
  | { kind: 'addEnum'; at: SchemaPath; values: unknown[] }
  /**
   * A whole-body argument (the documents declare no body properties) becomes one argument per body field;
   * the former wrapper is still accepted and unwrapped.
   */
  | { kind: 'flattenBody'; wrapper: string; args: ArgSpec[] }
  /** The `Version` header the documents forget. */
  | { kind: 'version'; version: string }
  /** Arguments the documents require that have a neutral value: optional, and that value is sent when left out. */
  | { kind: 'fill'; values: Record<string, unknown> }
  | { kind: 'rule'; rule: ErratumRule }
  /** Other spellings accepted at `at` (`''` for the top level), sent under the canonical name: alias → canonical. */
  | { kind: 'alias'; at: SchemaPath; names: Record<string, string> }
  /** When `to` is left out (and `when` holds), the value of `from` is sent as `to` too. */
  | { kind: 'copy'; from: string; to: string; when?: Condition }
  /** Numbers and booleans accepted where the documents type a string; sent as the document's strings. */
  | { kind: 'sendAsString'; args: string[] }
  /** `arg` left out is computed from `from` (`words`: the number of words of an HTML text). */
  | { kind: 'derive'; arg: string; from: string; as: 'words' };

/** A row of doc-errata.md that was reviewed and needs no change to the tool contract, with why. */
export interface ReviewedRow {
  row: { module: string; operation: string };
  level: EvidenceLevel;
  outcome: string;
}

/** Hand-written decorations applied over the generated catalog, keyed by the generated tool name. */
export interface ToolOverlay {
  /** A stable, clearer tool name replacing the generated one. */
  rename?: string;
  /** Our own description, replacing the generated summary sentence. */
  description?: string;
  /** Short help for individual arguments, shown in the argument's JSON Schema. */
  args?: Record<string, string>;
  /** A POST that only reads (searches, lookups): annotated read-only and allowed in read-only mode. */
  readOnly?: true;
  /** A member of the curated `default` toolset. */
  default?: true;
}

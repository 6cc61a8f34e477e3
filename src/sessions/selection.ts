import type { SelectionRequest, ToolSelection } from '../toolsets/selection.js';

/**
 * Where one session's selection lives while a replica serves it: ghl_enable_toolset sets it (and the change is
 * written to the session record), a change made on another replica replaces it (nothing written back).
 */
export class SessionSelection {
  constructor(
    private current: ToolSelection,
    private readonly changed: (next: ToolSelection) => void,
  ) {}

  get(): ToolSelection {
    return this.current;
  }

  set(next: ToolSelection): void {
    this.current = next;
    this.changed(next);
  }

  replace(next: ToolSelection): void {
    this.current = next;
  }
}

/** A selection as a record keeps it: ToolSelection.create gives it back. */
export function selectionRequest(selection: ToolSelection): SelectionRequest {
  return { toolsets: [...selection.toolsets], tools: [...selection.tools], excludeTools: [...selection.excluded], readOnly: selection.readOnly };
}

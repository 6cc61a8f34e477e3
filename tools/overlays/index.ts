import { readOnlyPosts, renames } from './decorations.js';
import { defaultToolset } from './default-toolset.js';
import { descriptions } from './descriptions.js';
import { errataOverlays } from './errata.js';
import type { ToolOverlay } from './types.js';

export type { ToolOverlay } from './types.js';

const LAYERS: Record<string, ToolOverlay>[] = [renames, readOnlyPosts, defaultToolset, errataOverlays, descriptions];

/** Every overlay, merged per generated tool name (later layers add to earlier ones). */
export const OVERLAYS: Record<string, ToolOverlay> = {};
for (const layer of LAYERS) {
  for (const [name, overlay] of Object.entries(layer)) {
    const merged = OVERLAYS[name];
    OVERLAYS[name] = { ...merged, ...overlay, args: { ...merged?.args, ...overlay.args }, richArgs: { ...merged?.richArgs, ...overlay.richArgs } };
  }
}

/** What a failed call does: `auto` checks the live docs and suggests; `apply` also re-registers the tool; `off` leaves errors alone. */
export type SelfUpdateMode = 'auto' | 'apply' | 'off';
export const SELF_UPDATE_MODES: readonly SelfUpdateMode[] = ['auto', 'apply', 'off'];

/**
 * Paths into a call's arguments, as the argument rules write them: `sentTo`, `contactDetails.phoneNo`, and
 * `items[].currency` for the same field of every element of a list.
 */

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path without `[]`, or undefined when any step is missing. */
export function valueAt(args: Json, path: string): unknown {
  let value: unknown = args;
  for (const step of path.split('.')) {
    if (!isRecord(value)) return undefined;
    value = value[step];
  }
  return value;
}

/** A place a fill may write: the object holding the field, the field, and the path to show. */
export interface Slot {
  holder: Json;
  key: string;
  shown: string;
}

/** Every place the path names whose parent exists (an object, or each object element of a list). */
export function slotsAt(args: Json, path: string): Slot[] {
  let slots: { holder: Json; shown: string }[] = [{ holder: args, shown: '' }];
  const steps = path.split('.');
  const key = steps.pop()!;
  for (const step of steps) {
    const list = step.endsWith('[]');
    const name = list ? step.slice(0, -2) : step;
    const next: { holder: Json; shown: string }[] = [];
    for (const { holder, shown } of slots) {
      const value = holder[name];
      const base = shown ? `${shown}.${name}` : name;
      if (list && Array.isArray(value)) value.forEach((item, index) => isRecord(item) && next.push({ holder: item, shown: `${base}[${index}]` }));
      else if (!list && isRecord(value)) next.push({ holder: value, shown: base });
    }
    slots = next;
  }
  return slots.map(({ holder, shown }) => ({ holder, key, shown: shown ? `${shown}.${key}` : key }));
}

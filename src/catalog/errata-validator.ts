import { z } from 'zod';
import type { Condition, Erratum, ErratumPatch, ErratumRule } from '../../tools/overlays/types.js';
import { condition, isPlainObject } from './errata.js';

type Args = Record<string, unknown>;
type Issue = { path: (string | number)[]; message: string };

/** What the errata changed in each validated call, by the object validation returned (see errataChanges). */
const CHANGES = new WeakMap<object, readonly string[]>();

/**
 * What the errata changed between the arguments given and `data`, the output of a tool's validator: one sentence
 * each (other spellings renamed, values filled, copied, sent as text or derived), for the result's notes.
 */
export function errataChanges(data: unknown): readonly string[] {
  return (typeof data === 'object' && data !== null && CHANGES.get(data)) || [];
}

/**
 * The call-time side of errata, around a tool's zod validator: other spellings are rewritten before it runs
 * (aliases, a former whole-body wrapper), rules the listing cannot express are checked after it, and values
 * are completed for sending (neutral fills, copies, strings, derived counts), each change said in a sentence
 * that errataChanges returns for the validated data. Without such errata the validator is returned as it is.
 */
export function withErrata(base: z.ZodType, errata: readonly Erratum[]): z.ZodType {
  const patches = errata.flatMap((erratum) => erratum.patches);
  const before = patches.filter((patch) => patch.kind === 'alias' || patch.kind === 'flattenBody');
  const rules = patches.flatMap((patch) => (patch.kind === 'rule' ? [patch.rule] : []));
  const after = patches.filter((patch) => ['fill', 'copy', 'sendAsString', 'derive'].includes(patch.kind));
  if (before.length + rules.length + after.length === 0) return base;
  // The rewrite's sentences wait here for the last step of the same parse: a parse runs start to end synchronously.
  let rewritten: string[] = [];
  return z
    .preprocess((input, context) => {
      rewritten = [];
      if (!isPlainObject(input)) return input;
      const { args, issues, changes } = rewrite(input, before);
      for (const issue of issues) context.addIssue({ code: 'custom', ...issue });
      rewritten = changes;
      return args;
    }, base)
    .superRefine((args, context) => {
      for (const rule of rules) for (const issue of broken(rule, args as Args)) context.addIssue({ code: 'custom', ...issue });
    })
    .transform((args) => {
      const changes = [...rewritten];
      const sent = complete(args as Args, after, changes);
      CHANGES.set(sent, changes);
      return sent;
    });
}

/** Unwraps a former whole-body wrapper and renames aliases to their canonical names. */
function rewrite(input: Args, patches: ErratumPatch[]): { args: Args; issues: Issue[]; changes: string[] } {
  let args = { ...input };
  const issues: Issue[] = [];
  const changes: string[] = [];
  for (const patch of patches) {
    if (patch.kind === 'flattenBody') {
      const wrapped = args[patch.wrapper];
      // The wrapper's fields win: the top level may hold configured defaults filled before validation. Nothing
      // to say: GHL receives the same body either way.
      if (isPlainObject(wrapped)) {
        const { [patch.wrapper]: _wrapper, ...rest } = args;
        args = { ...rest, ...wrapped };
      }
    } else if (patch.kind === 'alias') {
      const used = new Set<string>();
      if (patch.at === '') {
        args = renamed(args, patch.names, [], issues, used);
      } else {
        const name = patch.at.replace(/\[\]$/, '');
        const value = args[name];
        if (patch.at.endsWith('[]') && Array.isArray(value)) {
          args[name] = value.map((item, index) => (isPlainObject(item) ? renamed(item, patch.names, [name, index], issues, used) : item));
        } else if (isPlainObject(value)) {
          args[name] = renamed(value, patch.names, [name], issues, used);
        }
      }
      const at = patch.at === '' ? '' : `${patch.at}.`;
      for (const alias of used) changes.push(`${at}${alias} sent as ${at}${patch.names[alias]}`);
    }
  }
  return { args, issues, changes };
}

/**
 * A copy of `object` with each alias under its canonical name; two different values for one field are refused.
 * `used` collects the aliases whose value was sent under the canonical name.
 */
function renamed(object: Args, names: Record<string, string>, path: (string | number)[], issues: Issue[], used: Set<string>): Args {
  const out = { ...object };
  for (const [alias, canonical] of Object.entries(names)) {
    if (!(alias in out)) continue;
    const value = out[alias];
    delete out[alias];
    if (out[canonical] === undefined) {
      out[canonical] = value;
      used.add(alias);
    } else if (JSON.stringify(out[canonical]) !== JSON.stringify(value)) {
      issues.push({ path: [...path, alias], message: `${alias} is another name for ${canonical} and the two differ; give the value once, as ${canonical}` });
    }
  }
  return out;
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function holds(when: Condition | undefined, args: Args): boolean {
  return !when || args[when.arg] === when.equals;
}

/** What a call breaks of one rule, each problem on the argument to fix. */
function broken(rule: ErratumRule, args: Args): Issue[] {
  if ('exactlyOne' in rule) {
    const names = rule.exactlyOne;
    const present = names.filter((name) => given(args[name]));
    if (present.length === 1) return [];
    const list = names.join(', ');
    return present.length === 0
      ? [{ path: [names[0]!], message: `give exactly one of ${list}; none was given` }]
      : [{ path: [present[1]!], message: `give only one of ${list}; got ${present.join(' and ')}` }];
  }
  if ('atLeastOne' in rule) {
    if (!holds(rule.when, args) || rule.atLeastOne.some((name) => given(args[name]))) return [];
    const when = rule.when ? ` when ${condition(rule.when)}` : '';
    return [{ path: [rule.atLeastOne[0]!], message: `give at least one of ${rule.atLeastOne.join(', ')}${when}` }];
  }
  return holds(rule.when, args) && !given(args[rule.required]) ? [{ path: [rule.required], message: `required when ${condition(rule.when)}` }] : [];
}

/**
 * The arguments as they are sent: neutral values filled, copies made, strings for string fields, counts derived;
 * each change said in `changes`.
 */
function complete(input: Args, patches: ErratumPatch[], changes: string[]): Args {
  const args = { ...input };
  for (const patch of patches) {
    if (patch.kind === 'fill') {
      const filled: string[] = [];
      for (const [name, value] of Object.entries(patch.values)) {
        const current = args[name];
        if (current === undefined) {
          args[name] = structuredClone(value);
          filled.push(`${name} ${show(value)}`);
        } else if (isPlainObject(value) && isPlainObject(current)) {
          args[name] = { ...value, ...current };
          for (const [field, part] of Object.entries(value)) if (current[field] === undefined) filled.push(`${name}.${field} ${show(part)}`);
        }
      }
      if (filled.length > 0) changes.push(`filled with the neutral values GHL requires: ${filled.join(', ')}`);
    } else if (patch.kind === 'copy') {
      if (holds(patch.when, args) && args[patch.to] === undefined && given(args[patch.from])) {
        args[patch.to] = args[patch.from];
        changes.push(`${patch.from} sent as ${patch.to} too${patch.when ? ` (${condition(patch.when)})` : ''}`);
      }
    } else if (patch.kind === 'sendAsString') {
      for (const name of patch.args) {
        if (typeof args[name] !== 'number' && typeof args[name] !== 'boolean') continue;
        args[name] = String(args[name]);
        changes.push(`${name} sent as the text ${show(args[name])}`);
      }
    } else if (patch.kind === 'derive' && args[patch.arg] === undefined && typeof args[patch.from] === 'string') {
      args[patch.arg] = wordsIn(args[patch.from] as string);
      changes.push(`${patch.arg} filled with ${show(args[patch.arg])} (the words of ${patch.from})`);
    }
  }
  return args;
}

const show = (value: unknown) => JSON.stringify(value);

/** Words of an HTML text: tags and entities removed. */
export function wordsIn(html: string): number {
  const text = html.replace(/<[^>]*>/g, ' ').replace(/&[a-z#0-9]+;/gi, ' ');
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

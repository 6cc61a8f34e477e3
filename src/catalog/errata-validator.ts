import { z } from 'zod';
import type { Condition, Erratum, ErratumPatch, ErratumRule } from '../../tools/overlays/types.js';
import { condition, isPlainObject } from './errata.js';

type Args = Record<string, unknown>;
type Issue = { path: (string | number)[]; message: string };

/**
 * The call-time side of errata, around a tool's zod validator: other spellings are rewritten before it runs
 * (aliases, a former whole-body wrapper), rules the listing cannot express are checked after it, and values
 * are completed for sending (neutral fills, copies, strings, derived counts). Without such errata the validator
 * is returned as it is.
 */
export function withErrata(base: z.ZodType, errata: readonly Erratum[]): z.ZodType {
  const patches = errata.flatMap((erratum) => erratum.patches);
  const before = patches.filter((patch) => patch.kind === 'alias' || patch.kind === 'flattenBody');
  const rules = patches.flatMap((patch) => (patch.kind === 'rule' ? [patch.rule] : []));
  const after = patches.filter((patch) => ['fill', 'copy', 'sendAsString', 'derive'].includes(patch.kind));
  if (before.length + rules.length + after.length === 0) return base;
  return z
    .preprocess((input, context) => {
      if (!isPlainObject(input)) return input;
      const { args, issues } = rewrite(input, before);
      for (const issue of issues) context.addIssue({ code: 'custom', ...issue });
      return args;
    }, base)
    .superRefine((args, context) => {
      for (const rule of rules) for (const issue of broken(rule, args as Args)) context.addIssue({ code: 'custom', ...issue });
    })
    .transform((args) => complete(args as Args, after));
}

/** Unwraps a former whole-body wrapper and renames aliases to their canonical names. */
function rewrite(input: Args, patches: ErratumPatch[]): { args: Args; issues: Issue[] } {
  let args = { ...input };
  const issues: Issue[] = [];
  for (const patch of patches) {
    if (patch.kind === 'flattenBody') {
      const wrapped = args[patch.wrapper];
      // The wrapper's fields win: the top level may hold configured defaults filled before validation.
      if (isPlainObject(wrapped)) {
        const { [patch.wrapper]: _wrapper, ...rest } = args;
        args = { ...rest, ...wrapped };
      }
    } else if (patch.kind === 'alias') {
      if (patch.at === '') {
        args = renamed(args, patch.names, [], issues);
      } else {
        const name = patch.at.replace(/\[\]$/, '');
        const value = args[name];
        if (patch.at.endsWith('[]') && Array.isArray(value)) {
          args[name] = value.map((item, index) => (isPlainObject(item) ? renamed(item, patch.names, [name, index], issues) : item));
        } else if (isPlainObject(value)) {
          args[name] = renamed(value, patch.names, [name], issues);
        }
      }
    }
  }
  return { args, issues };
}

/** A copy of `object` with each alias under its canonical name; two different values for one field are refused. */
function renamed(object: Args, names: Record<string, string>, path: (string | number)[], issues: Issue[]): Args {
  const out = { ...object };
  for (const [alias, canonical] of Object.entries(names)) {
    if (!(alias in out)) continue;
    const value = out[alias];
    delete out[alias];
    if (out[canonical] === undefined) out[canonical] = value;
    else if (JSON.stringify(out[canonical]) !== JSON.stringify(value)) {
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

/** The arguments as they are sent: neutral values filled, copies made, strings for string fields, counts derived. */
function complete(input: Args, patches: ErratumPatch[]): Args {
  const args = { ...input };
  for (const patch of patches) {
    if (patch.kind === 'fill') {
      for (const [name, value] of Object.entries(patch.values)) {
        const current = args[name];
        if (current === undefined) args[name] = structuredClone(value);
        else if (isPlainObject(value) && isPlainObject(current)) args[name] = { ...value, ...current };
      }
    } else if (patch.kind === 'copy') {
      if (holds(patch.when, args) && args[patch.to] === undefined && given(args[patch.from])) args[patch.to] = args[patch.from];
    } else if (patch.kind === 'sendAsString') {
      for (const name of patch.args) if (typeof args[name] === 'number' || typeof args[name] === 'boolean') args[name] = String(args[name]);
    } else if (patch.kind === 'derive' && args[patch.arg] === undefined && typeof args[patch.from] === 'string') {
      args[patch.arg] = wordsIn(args[patch.from] as string);
    }
  }
  return args;
}

/** Words of an HTML text: tags and entities removed. */
export function wordsIn(html: string): number {
  const text = html.replace(/<[^>]*>/g, ' ').replace(/&[a-z#0-9]+;/gi, ' ');
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

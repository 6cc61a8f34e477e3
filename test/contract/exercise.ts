import type { CatalogTool } from '../../src/catalog/catalog.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { RecordingProxy, requestErrors } from './recording-proxy.js';
import type { JsonSchema } from '../../src/catalog/types.js';
import { type Coverage, sampleArgs, sampleValue } from './sample-args.js';

/** One server process behind its own recording proxy: every request it records comes from that server's calls. */
export interface Lane {
  proxy: RecordingProxy;
  session: StdioSession;
}

/** Something wrong with a tool's request; `field` is Prism's violation location, or what else went wrong. */
export interface Problem {
  field: string;
  message: string;
}

export interface Outcome {
  tool: string;
  problems: Problem[];
}

export async function openLane(prismUrl: string, env: Record<string, string>): Promise<Lane> {
  const proxy = new RecordingProxy(prismUrl);
  const baseUrl = await proxy.listen();
  const session = await connectStdio({ ...env, GHL_BASE_URL: baseUrl });
  return { proxy, session };
}

export async function closeLane(lane: Lane): Promise<void> {
  await lane.session.close();
  await lane.proxy.close();
}

export function argsFor(tool: CatalogTool, coverage: Coverage = 'required'): Record<string, unknown> {
  const pathArgs = new Set(tool.entry.args.filter((arg) => arg.in === 'path').map((arg) => arg.name));
  const schema = tool.inputSchema({});
  return withRulesMet(tool, sampleArgs(schema, pathArgs, coverage), schema);
}

/**
 * Sample arguments changed as little as possible to meet the tool's errata rules, which JSON Schema does not
 * carry: one of an exactly-one group kept (or added), the first of an at-least-one group added.
 */
function withRulesMet(tool: CatalogTool, args: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const add = (name: string) => (args[name] = sampleValue(properties[name] ?? {}, 'required', name));
  const holds = (when?: { arg: string; equals: unknown }) => !when || args[when.arg] === when.equals;
  for (const patch of tool.corrections.applied.flatMap((erratum) => erratum.patches)) {
    if (patch.kind !== 'rule') continue;
    const { rule } = patch;
    if ('exactlyOne' in rule) {
      const [keep, ...drop] = rule.exactlyOne.filter((name) => name in args);
      if (keep === undefined) add(rule.exactlyOne[0]!);
      for (const name of drop) delete args[name];
    } else if ('atLeastOne' in rule) {
      if (holds(rule.when) && !rule.atLeastOne.some((name) => name in args)) add(rule.atLeastOne[0]!);
    } else if ('required' in rule) {
      if (holds(rule.when) && !(rule.required in args)) add(rule.required);
    }
  }
  return args;
}

/** The route the request must reach: the operation's template with the sample path values, encoded. */
function expectedRoute(tool: CatalogTool, args: Record<string, unknown>): string {
  let path = tool.entry.path;
  for (const arg of tool.entry.args.filter((candidate) => candidate.in === 'path')) {
    const value = args[arg.name] ?? tool.constants().get(arg.name);
    path = path.split(`{${arg.wire ?? arg.name}}`).join(encodeURIComponent(String(value)));
  }
  return `${tool.entry.method} ${path}`;
}

/** Calls the tool and checks what reached Prism: one request, to the operation's route, with no error found. */
export async function exercise(lane: Lane, tool: CatalogTool, coverage: Coverage): Promise<Outcome> {
  const args = argsFor(tool, coverage);
  const before = lane.proxy.requests.length;
  const result = await lane.session.client.callTool({ name: tool.name, arguments: args });
  const requests = lane.proxy.requests.slice(before);
  const problems: Problem[] = [];
  if (requests.length !== 1) {
    const text = (result.content as { text?: string }[])[0]?.text ?? '';
    problems.push({ field: 'requests', message: `${requests.length} requests sent (result: ${text.slice(0, 300)})` });
  }
  const route = expectedRoute(tool, args);
  for (const request of requests) {
    const reached = `${request.method} ${request.url.split('?')[0]}`;
    if (reached !== route) problems.push({ field: 'route', message: `reached ${reached}, not ${route}` });
    const errors = requestErrors(request);
    for (const violation of errors) problems.push({ field: violation.location.join('.'), message: violation.message });
    // Prism's own error answers (no route matched, ...) count too; an invalid-request answer is its violations.
    if (request.problem && errors.length === 0) problems.push({ field: 'prism', message: request.problem });
  }
  return { tool: tool.name, problems };
}

/** Every tool once, the lanes taking the next tool from one queue. */
export async function exerciseAll(lanes: Lane[], tools: CatalogTool[], coverage: Coverage): Promise<Outcome[]> {
  const queue = [...tools];
  const outcomes: Outcome[] = [];
  await Promise.all(
    lanes.map(async (lane) => {
      for (let tool = queue.shift(); tool; tool = queue.shift()) outcomes.push(await exercise(lane, tool, coverage));
    }),
  );
  return outcomes;
}

interface InvalidCall {
  argument: string;
  what: string;
  args: Record<string, unknown>;
}

/**
 * A value of the wrong type that no forgiving conversion reads as the right one (a number or a boolean is read
 * as text, numeric text as a number, a single value as a one-item list: arrays are left out for that reason).
 */
const WRONG_VALUES: Record<string, unknown> = {
  string: { not: 'text' },
  number: 'not-a-number',
  integer: 'not-a-number',
  boolean: 'not-a-boolean',
  object: 'not-an-object',
};

/** Valid arguments spoiled once: the first required argument left out, and the first typed one given the wrong type. */
export function invalidCalls(tool: CatalogTool): InvalidCall[] {
  const schema = tool.inputSchema({});
  const properties = (schema.properties as Record<string, { type?: unknown }> | undefined) ?? {};
  const required = (schema.required as string[] | undefined) ?? [];
  const calls: InvalidCall[] = [];
  const [first] = required;
  if (first) {
    const { [first]: _left, ...rest } = argsFor(tool);
    calls.push({ argument: first, what: `without ${first}`, args: rest });
  }
  const typed = required.find((name) => typeof properties[name]?.type === 'string' && (properties[name]!.type as string) in WRONG_VALUES);
  if (typed) {
    const args = argsFor(tool);
    args[typed] = WRONG_VALUES[properties[typed]!.type as string];
    calls.push({ argument: typed, what: `with ${typed} of the wrong type`, args });
  }
  return calls;
}

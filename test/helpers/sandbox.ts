import { connectStdio, type StdioSession } from './mcp.js';
import { resultBody, resultText } from './results.js';

type Json = any;

export interface SandboxSession extends StdioSession {
  /** Calls a tool and returns the JSON of its result; a tool error fails the test with the error text. */
  call(name: string, args?: Record<string, unknown>): Promise<Json>;
  /** The JSON of a result (after its first line, which says what happened). */
  parse(result: Json): Json;
  /** Calls a tool that must fail and returns the error text. */
  fail(name: string, args?: Record<string, unknown>): Promise<string>;
}

/**
 * The built server in sandbox mode (`--sandbox` unless the arguments or GHL_SANDBOX say it otherwise), every toolset
 * listed, with helpers that read tool results the way an agent would.
 */
export async function connectSandbox(args: string[] = ['--sandbox'], env: Record<string, string | undefined> = {}): Promise<SandboxSession> {
  const session = await connectStdio(env, ['--toolsets', 'all', ...args]);
  return {
    ...session,
    async call(name, args = {}) {
      const result = await session.client.callTool({ name, arguments: args });
      if (result.isError) throw new Error(`${name} failed: ${resultText(result)}`);
      return resultBody(result);
    },
    parse: resultBody,
    async fail(name, args = {}) {
      const result = await session.client.callTool({ name, arguments: args });
      if (!result.isError) throw new Error(`${name} was expected to fail but answered ${resultText(result)}`);
      return resultText(result);
    },
  };
}

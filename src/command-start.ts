import { type CliRequest, type Config, ConfigError, parseCli } from './config.js';
import { createLogger, type Logger } from './logger.js';

/** Where a person-facing command (auth, doctor, tools, call) begins, or the exit code it ends with at once. */
export type CommandStart<Extra> = { config: Config; logger: Logger; extra: Extra } | { exit: number };

/**
 * Reads the server's options (plus the command's own, taken first from `rest`), and makes a logger that says only
 * warnings unless --log-level or GHL_LOG_LEVEL asks for more: a person wants the answer, not routine info lines.
 * Help and version print `usage(request)` and end with 0; a wrong option is said and ends with 2.
 */
export function startCommand<Extra>(
  rest: string[],
  env: NodeJS.ProcessEnv,
  say: (text: string) => void,
  takeExtra: (rest: string[]) => Extra,
  usage: (request: CliRequest) => string,
): CommandStart<Extra> {
  try {
    const extra = takeExtra(rest);
    const request = parseCli(rest, env);
    if (!request.config) {
      say(usage(request));
      return { exit: 0 };
    }
    const explicitLevel = env.GHL_LOG_LEVEL !== undefined || rest.some((arg) => arg.startsWith('--log-level'));
    return { config: request.config, logger: createLogger(explicitLevel ? request.config.logLevel : 'warn'), extra };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    say(`ghl-mcp: ${error.message}`);
    return { exit: 2 };
  }
}

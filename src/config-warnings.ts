import { statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/** Shorter inbound tokens, or ones made of fewer different characters, are warned about: they can be guessed. */
const STRONG_TOKEN = { length: 32, distinct: 10 };

/**
 * What an operator should fix even though the server can start: guessable inbound tokens, a token directory
 * others can read or write. Said on stderr at start; never a token itself, and nothing is changed (a shared
 * directory is not ours to chmod).
 */
export function securityWarnings(config: Config): string[] {
  const warnings: string[] = [];
  for (const [index, token] of (config.http?.authTokens ?? []).entries()) {
    if (token.length < STRONG_TOKEN.length || new Set(token).size < STRONG_TOKEN.distinct) {
      warnings.push(
        `MCP_AUTH_TOKENS token #${index + 1} is weak (length ${token.length}): anyone who reaches the server may guess it; ` +
          'use at least 32 random characters, e.g. openssl rand -hex 32',
      );
    }
  }
  if (config.tokenStore === 'file' && !config.sandbox) {
    const directory = path.dirname(config.tokenFile);
    const mode = directoryMode(directory);
    if (mode !== undefined && (mode & 0o077) !== 0) {
      warnings.push(
        `The token directory ${directory} is open to other users (mode ${(mode & 0o777).toString(8)}): they can see, replace or remove the ` +
          `OAuth token file and its lock there; if only you use it, chmod 700 ${directory}, or choose another with --token-file`,
      );
    }
  }
  return warnings;
}

function directoryMode(directory: string): number | undefined {
  try {
    return statSync(directory).mode;
  } catch {
    return undefined;
  }
}

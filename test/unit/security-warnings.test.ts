import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { securityWarnings } from '../../src/config-warnings.js';
import { parseCli } from '../../src/config.js';

const STRONG = 'f3a9c2e1b7d04a6e9c8b1f2d3e4a5b6c7d8e9f0a1b2c3d4e';

describe('security warnings at start', () => {
  const warningsFor = (env: NodeJS.ProcessEnv, argv: string[] = []) => securityWarnings(parseCli(argv, { GHL_TOKEN_FILE: '/nonexistent/ghl/tokens.json', ...env }).config!);

  it.each([
    ['one character', 'Z'],
    ['short', 'mcp-inbound-token-aaaa'],
    ['long but made of few characters', 'ab'.repeat(20)],
  ])('names a guessable MCP_AUTH_TOKENS token (%s) by position, never printing it', (_what, weak) => {
    const warnings = warningsFor({ MCP_AUTH_TOKENS: `${STRONG},${weak}` }, ['--http', '--host', '0.0.0.0']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^MCP_AUTH_TOKENS token #2 is weak .*openssl rand -hex 32/);
    expect(warnings[0]).not.toContain(weak);
  });

  it('says nothing about strong tokens, or without HTTP', () => {
    expect(warningsFor({ MCP_AUTH_TOKENS: STRONG }, ['--http'])).toEqual([]);
    expect(warningsFor({ MCP_AUTH_TOKENS: 'a' })).toEqual([]);
  });

  it('reports a token directory open to other users, and leaves its mode alone', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'ghl-shared-'));
    const env = { GHL_TOKEN_FILE: path.join(directory, 'tokens.json') };
    chmodSync(directory, 0o755);
    const [warning, ...more] = warningsFor(env);
    expect(more).toEqual([]);
    expect(warning).toContain(`The token directory ${directory} is open to other users (mode 755)`);
    expect(warning).toContain(`chmod 700 ${directory}`);
    expect(statSync(directory).mode & 0o777).toBe(0o755);
    chmodSync(directory, 0o700);
    expect(warningsFor(env)).toEqual([]);
    // Not the store in use: nothing to say.
    chmodSync(directory, 0o777);
    expect(warningsFor({ ...env, REDIS_URL: 'redis://127.0.0.1:6390' })).toEqual([]);
    expect(warningsFor(env, ['--sandbox'])).toEqual([]);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../src/config.js';
import { LIVE_DOCS_URL } from '../../src/catalog/documents.js';

const selfUpdate = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCli(argv, env).config!.selfUpdate;

describe('self-update options', () => {
  it('defaults to auto, the live GitHub documents and a per-user cache file', () => {
    expect(selfUpdate([], { XDG_CACHE_HOME: '/home/u/.cache' })).toEqual({
      mode: 'auto',
      docsUrl: LIVE_DOCS_URL.replace(/\/$/, ''),
      overridesFile: '/home/u/.cache/ghl-mcp/overrides.json',
      useOverrides: true,
    });
  });

  it('takes flags over the environment, a folder as an absolute path, and --no-overrides', () => {
    const env = { GHL_SELF_UPDATE: 'apply', GHL_DOCS_URL: 'https://docs.example/apps/', GHL_OVERRIDES_FILE: '/tmp/a.json' };
    expect(selfUpdate([], env)).toMatchObject({ mode: 'apply', docsUrl: 'https://docs.example/apps', overridesFile: '/tmp/a.json' });
    expect(selfUpdate(['--self-update', 'off', '--docs-url', 'docs/apps', '--no-overrides'], env)).toMatchObject({
      mode: 'off',
      docsUrl: path.resolve('docs/apps'),
      useOverrides: false,
    });
    expect(selfUpdate([], { GHL_NO_OVERRIDES: 'true' }).useOverrides).toBe(false);
  });

  it('is off in the sandbox unless asked for', () => {
    expect(selfUpdate(['--sandbox']).mode).toBe('off');
    expect(selfUpdate(['--sandbox', '--self-update', 'auto']).mode).toBe('auto');
  });

  it('refuses an unknown mode or a docs URL that is not http(s)', () => {
    expect(() => selfUpdate(['--self-update', 'always'])).toThrow(new ConfigError('--self-update must be auto, apply or off, got "always"'));
    expect(() => selfUpdate(['--docs-url', 'ftp://docs.example/apps'])).toThrow(/--docs-url \/ GHL_DOCS_URL must be an http\(s\) URL/);
    expect(() => selfUpdate([], { GHL_NO_OVERRIDES: 'maybe' })).toThrow(/GHL_NO_OVERRIDES must be true or false/);
  });
});

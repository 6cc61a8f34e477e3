import { describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../src/config.js';

const parse = (args: string[], env: Record<string, string> = {}) => parseCli(args, env).config!;

describe('sign-in options', () => {
  it('are off by default and parsed with their defaults when --signin is given', () => {
    expect(parse(['--http']).signin).toBeUndefined();
    expect(parse(['--http', '--signin']).signin).toEqual({ publicUrl: undefined, accessTtlSeconds: 3600, refreshTtlSeconds: 2_592_000 });
    expect(parse(['--http'], { GHL_SIGNIN: 'true', GHL_PUBLIC_URL: 'https://mcp.example.com/', GHL_SIGNIN_SCOPES: 'contacts.readonly, locations.readonly', GHL_SIGNIN_USER_TYPE: 'Company' }).signin).toEqual({
      publicUrl: 'https://mcp.example.com',
      userType: 'Company',
      ghlScopes: 'contacts.readonly locations.readonly',
      accessTtlSeconds: 3600,
      refreshTtlSeconds: 2_592_000,
    });
  });

  it('let a sign-in server listen beyond loopback without MCP_AUTH_TOKENS (users sign in instead)', () => {
    expect(() => parse(['--http', '--host', '0.0.0.0'])).toThrow(ConfigError);
    expect(parse(['--http', '--host', '0.0.0.0', '--signin', '--public-url', 'https://mcp.example.com']).http?.host).toBe('0.0.0.0');
  });

  it('refuse what cannot work, naming the option', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--signin'], {}, /--signin needs --http/],
      [['--http', '--public-url', 'https://x.example'], {}, /--public-url needs --signin/],
      [['--http', '--signin', '--multi-tenant'], {}, /choose one/],
      [['--http', '--signin'], { MCP_AUTH_TOKENS: 'a'.repeat(40) }, /replaces MCP_AUTH_TOKENS/],
      [['--http', '--signin', '--public-url', 'https://x.example/mcp'], {}, /must be an origin/],
      [['--http', '--signin', '--public-url', 'ftp://x.example'], {}, /must be an origin/],
      [['--http', '--signin', '--signin-user-type', 'Agency'], {}, /Location or Company/],
      [['--http', '--signin', '--signin-access-ttl-s', '0'], {}, /positive whole number/],
    ];
    for (const [args, env, message] of cases) expect(() => parse(args, env), args.join(' ')).toThrow(message);
  });
});

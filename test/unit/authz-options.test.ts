import { describe, expect, it } from 'vitest';
import { ConfigError, parseCli } from '../../src/config.js';
import { capturedLogger } from '../helpers/oauth.js';

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

  it('need an https public URL when the server is reachable beyond loopback (tokens only over TLS)', async () => {
    // Loaded once config is: src/authz/index.js and config.js import each other.
    const { createAuthz } = await import('../../src/authz/index.js');
    const app = { GHL_CLIENT_ID: 'app-1', GHL_CLIENT_SECRET: 'secret-1' };
    const authz = (args: string[]) => {
      const config = parse(['--http', '--signin', ...args], app);
      return createAuthz({ ...config, signin: config.signin! }, capturedLogger().logger);
    };
    for (const args of [['--host', '0.0.0.0'], ['--host', '0.0.0.0', '--public-url', 'http://mcp.example.com'], ['--public-url', 'http://10.0.0.5:3000']]) {
      expect(() => authz(args), args.join(' ')).toThrow(/needs --public-url https:/);
    }
    for (const args of [[], ['--host', '0.0.0.0', '--public-url', 'https://mcp.example.com'], ['--public-url', 'http://127.0.0.1:3000']]) await authz(args).close();
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

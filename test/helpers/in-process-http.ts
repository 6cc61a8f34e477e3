import { createApp } from '../../src/app.js';
import { parseCli } from '../../src/config.js';
import { FakeGhl } from '../../src/sandbox/fake-ghl.js';
import { serveHttp } from '../../src/transports/http.js';
import { capturedLogger } from './oauth.js';

/**
 * The HTTP server in this process (no build, no child process) in front of a fresh fake GHL that accepts
 * `ghlToken`: for unit tests of the transport's own behaviour. `env` adds to (or overrides) the server's settings.
 */
export async function startInProcessHttp(ghlToken: string, env: Record<string, string> = {}): Promise<{ url: string; fake: FakeGhl; close: () => Promise<void> }> {
  const fake = new FakeGhl({ tokens: [ghlToken] });
  const settings = { GHL_API_KEY: ghlToken, GHL_BASE_URL: await fake.listen(), GHL_LOCATION_ID: 'loc-1', GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true', ...env };
  const { config } = parseCli(['--http', '--port', '0'], settings);
  const { logger } = capturedLogger();
  const app = createApp(config!, logger);
  const server = await serveHttp(app, { ...config!, http: config!.http! }, logger, async () => {
    await app.auth.close();
    await app.bus.close();
  });
  return {
    url: server.url,
    fake,
    close: async () => {
      await server.shutdown('test');
      await fake.close();
    },
  };
}

import { createApp } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export interface Launched {
  app: ReturnType<typeof createApp>;
  /** The configuration in effect: in sandbox mode, pointed at the embedded fake GHL. */
  config: Config;
  close(): Promise<void>;
}

/**
 * The configured app, with the sandbox started first when asked for: what the server and the terminal commands
 * (`tools`, `call`) run on. Start-up notices (missing credentials, sandbox mode) are logged once here.
 */
export async function launch(requested: Config, logger: Logger): Promise<Launched> {
  let config = requested;
  let sandbox: { close(): Promise<void> } | undefined;
  if (config.sandbox) {
    // Loaded only in sandbox mode: the fake GHL and its demo data stay out of a normal start.
    const { sandboxConfig, startSandbox } = await import('./sandbox/sandbox.js');
    const started = await startSandbox(config.sandbox);
    config = sandboxConfig(config, started);
    if (config.signin) {
      // --sandbox --signin: the sandbox plays GHL's side of the sign-in too (chooser page, token endpoint).
      const { enableSandboxSignIn } = await import('./sandbox/authorize-page-sandbox.js');
      const ghlApp = enableSandboxSignIn(started);
      config = { ...config, clientId: ghlApp.clientId, clientSecret: ghlApp.clientSecret, authUrl: ghlApp.authUrl };
    }
    sandbox = started;
  }
  const app = createApp(config, logger);
  // A multi-tenant server never uses its own credentials, so their absence is no news.
  if (!config.http?.multiTenant) for (const notice of app.notices) logger.warn(notice);
  return {
    app,
    config,
    close: async () => {
      await app.client.close();
      await app.auth.close();
      await app.hub.close();
      await app.bus.close();
      await sandbox?.close();
    },
  };
}

import { createApp } from './app.js';
import type { Config } from './config.js';
import type { WebhookListener } from './events/listener.js';
import type { Logger } from './logger.js';
import type { Sandbox } from './sandbox/sandbox.js';

export interface Launched {
  app: ReturnType<typeof createApp>;
  /** The configuration in effect: in sandbox mode, pointed at the embedded fake GHL. */
  config: Config;
  /** Sandbox mode: the embedded fake GHL (it signs and delivers events for its writes). */
  sandbox?: Sandbox;
  /** A stdio server with --webhook-port (or in sandbox mode): where its own listener receives deliveries. */
  webhooks?: WebhookListener;
  close(): Promise<void>;
}

/**
 * The configured app, with the sandbox started first when asked for: what the server and the terminal commands
 * (`tools`, `call`) run on. Start-up notices (missing credentials, sandbox mode) are logged once here.
 */
export async function launch(requested: Config, logger: Logger): Promise<Launched> {
  let config = requested;
  let sandbox: Sandbox | undefined;
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
    config = { ...config, webhooks: await sandboxWebhooks(config, started) };
  }
  const app = createApp(config, logger);
  // A multi-tenant server never uses its own credentials, so their absence is no news.
  if (!config.http?.multiTenant) for (const notice of app.notices) logger.warn(notice);
  // A stdio server receives on a listener of its own (stdout stays the protocol); an HTTP server serves the receiver beside /mcp.
  const listen = config.webhooks?.listen;
  const webhooks = listen && app.events.receiver && !config.http ? await (await import('./events/listener.js')).listenForWebhooks(app.events.receiver, listen, logger) : undefined;
  if (webhooks) sandbox?.webhooks.deliverTo(webhooks.url);
  return {
    app,
    config,
    sandbox,
    webhooks,
    close: async () => {
      // Deliveries stop first: nothing is stored once the log is closing.
      await webhooks?.close();
      await app.client.close();
      await app.auth.close();
      await app.hub.close();
      await app.events.close();
      await app.bus.close();
      await sandbox?.close();
    },
  };
}

/**
 * Sandbox mode receives the sandbox's own signed events: its key is accepted beside a configured one (which a test
 * signing its own deliveries may give), with the --webhook-* options as given. A stdio server listens on a free
 * loopback port unless --webhook-port says otherwise.
 */
async function sandboxWebhooks(config: Config, sandbox: Sandbox): Promise<NonNullable<Config['webhooks']>> {
  const { sandboxWebhookConfig } = await import('./sandbox/webhooks/config.js');
  if (config.webhooks) return { ...config.webhooks, extraEd25519Keys: [...(config.webhooks.extraEd25519Keys ?? []), sandbox.webhooks.publicKey] };
  const listen = config.http ? undefined : { host: '127.0.0.1', port: 0 };
  return { ...sandboxWebhookConfig(sandbox.webhooks.publicKeyPem), listen };
}

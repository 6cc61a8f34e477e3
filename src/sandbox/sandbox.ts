import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { type Config, ConfigError } from '../config.js';
import { enableSandboxSignIn } from './authorize-page-sandbox.js';
import { FakeGhl } from './fake-ghl.js';
import { loadSnapshot, saveSnapshot } from './persistence.js';
import { SandboxRouter } from './router.js';
import { calendarRoutes } from './routes/calendars.js';
import { contactRoutes } from './routes/contacts.js';
import { conversationRoutes } from './routes/conversations.js';
import { invoiceRoutes } from './routes/invoices.js';
import { locationRoutes } from './routes/locations.js';
import { objectRoutes } from './routes/objects.js';
import { opportunityRoutes } from './routes/opportunities.js';
import { paymentRoutes } from './routes/payments.js';
import { productRoutes } from './routes/products.js';
import { userRoutes } from './routes/users.js';
import { seedDemo } from './seed.js';
import { DEMO_COMPANY_ID, DEMO_LOCATION_ID } from './seed-data.js';
import { SandboxStore, type StoreOptions } from './state.js';
import { sandboxControlDir } from './webhooks/control-file.js';
import { SandboxEvents, type SandboxWebhooks } from './webhooks/sandbox-webhooks.js';

export { DEMO_COMPANY_ID, DEMO_LOCATION_ID } from './seed-data.js';

/** GHL's documented budget per app and location, with its rate-limit headers on every answer. */
export const GHL_RATE_LIMIT = { max: 100, intervalMs: 10_000, dailyMax: 200_000 };

const MODULE_ROUTES = [locationRoutes, objectRoutes, userRoutes, contactRoutes, opportunityRoutes, calendarRoutes, conversationRoutes, productRoutes, invoiceRoutes, paymentRoutes];

export interface SandboxOptions extends StoreOptions {
  /** Keep the state in this file across restarts (written atomically after every change). */
  dataFile?: string;
  /** Start from a fresh demo location, replacing what the data file holds. */
  reset?: boolean;
  /** Test-only: a fixed bearer token (the fake's other switches are on `Sandbox.fake`). */
  token?: string;
  /**
   * Where the sandbox leaves its address for `ghl-mcp sandbox simulate` once it delivers webhooks (control-file.ts);
   * default `$XDG_CONFIG_HOME/ghl-mcp/sandboxes`.
   */
  controlDir?: string;
}

export interface Sandbox {
  baseUrl: string;
  token: string;
  locationId: string;
  companyId: string;
  store: SandboxStore;
  fake: FakeGhl;
  /** Signed GHL webhook events for the sandbox's writes and simulated traffic. */
  webhooks: SandboxWebhooks;
  /** Back to a fresh demo location (and saved, with a data file). */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the fake GHL on a loopback port with the demo location (or the saved state) and every module's routes. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = new SandboxStore(options);
  const { dataFile } = options;
  const save = () => {
    if (dataFile) saveSnapshot(dataFile, store.snapshot());
  };
  const reseed = () => {
    store.restore({ format: 'ghl-mcp-sandbox', version: 1, collections: {} });
    seedDemo(store);
    save();
  };
  try {
    const saved = dataFile && !options.reset ? loadSnapshot(dataFile) : undefined;
    if (saved) store.restore(saved);
    else reseed();
  } catch (error) {
    throw new ConfigError(`--sandbox-data ${dataFile}: ${(error as Error).message}`);
  }

  const token = options.token ?? `sandbox-${randomBytes(18).toString('base64url')}`;
  const fake = new FakeGhl({ tokens: [token] }).rateLimit(GHL_RATE_LIMIT);
  const webhooks = new SandboxEvents(store, DEMO_LOCATION_ID, { controlDir: options.controlDir ?? sandboxControlDir(process.env, homedir()) });
  const router = new SandboxRouter({ store, locationId: DEMO_LOCATION_ID, companyId: DEMO_COMPANY_ID }, { afterWrite: save, watchWrite: webhooks.watchWrite });
  for (const routes of MODULE_ROUTES) routes(router);
  router.install(fake);
  webhooks.install(fake, router, token, save);
  const baseUrl = await fake.listen();
  webhooks.listening(baseUrl);
  const close = async () => {
    await webhooks.close();
    await fake.close();
  };
  return { baseUrl, token, locationId: DEMO_LOCATION_ID, companyId: DEMO_COMPANY_ID, store, fake, webhooks, reset: reseed, close };
}

/**
 * The configuration that points the server at the sandbox: its URL and token, the demo location and company. Real
 * credentials and shared Redis state are set aside, so a sandbox session never touches a real account.
 */
export function sandboxConfig(config: Config, sandbox: Sandbox): Config {
  // --signin: the sandbox plays the marketplace app too (chooser page, token endpoint), so sign-in runs offline.
  const signIn = config.signin && enableSandboxSignIn(sandbox);
  return {
    ...(signIn && { clientId: signIn.clientId, clientSecret: signIn.clientSecret, authUrl: signIn.authUrl }),
    ...config,
    apiKey: sandbox.token,
    baseUrl: sandbox.baseUrl,
    locationId: sandbox.locationId,
    companyId: sandbox.companyId,
    redisUrl: undefined,
    tokenStore: 'file',
  };
}

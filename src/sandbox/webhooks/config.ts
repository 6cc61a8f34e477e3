import { type WebhookConfig, webhookConfig } from '../../events/options.js';

/**
 * The receiver's settings in sandbox mode: the defaults of `--webhooks`, with the sandbox's own public key (the one
 * its deliveries are signed with). Built through the same parser as the flags, so the defaults stay in one place.
 */
export function sandboxWebhookConfig(publicKeyPem: string): WebhookConfig {
  return webhookConfig(true, true, (name) => (name === 'webhook-key' ? publicKeyPem : undefined))!;
}

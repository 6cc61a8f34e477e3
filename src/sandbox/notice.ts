import { DEMO_LOCATION_ID, LOCATION } from './seed-data.js';

/** The modules the sandbox answers (others say they are not modelled). */
export const SANDBOX_MODULES = ['locations', 'users', 'contacts', 'opportunities', 'calendars', 'conversations', 'products', 'invoices', 'payments', 'objects', 'custom_fields'];

/** What the server tells the client (`initialize` instructions) and the person at the terminal in sandbox mode. */
export function sandboxNotice(dataFile: string | undefined): string {
  const keeps = dataFile ? `Changes are saved in ${dataFile}.` : 'Changes last until the server stops (--sandbox-data FILE keeps them).';
  return (
    `SANDBOX MODE: calls go to an embedded fake GoHighLevel API holding a demo location, "${LOCATION.name}" (${DEMO_LOCATION_ID}); ` +
    `nothing reaches GoHighLevel. It models ${SANDBOX_MODULES.join(', ')} (the common operations of each); anything else answers that it is not modelled. ${keeps} ` +
    `Its writes send GHL's webhook events; a person plays a customer with \`ghl-mcp sandbox simulate inbound-sms --body "..."\` (also inbound-email, form, payment) in another terminal.`
  );
}

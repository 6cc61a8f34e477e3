import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { findRunningSandbox, sandboxControlDir } from './control-file.js';
import type { DeliveryOutcome } from './emitter.js';
import { SIMULATIONS } from './simulate.js';

const USAGE = `Usage: ghl-mcp sandbox simulate <kind> [options]   (talks to a running --sandbox server)
Kinds:
${Object.entries(SIMULATIONS)
  .map(([kind, what]) => `  ${kind.padEnd(15)}${what}`)
  .join('\n')}
Options:
  --contact ID      the contact who writes (default: the first demo contact with a phone / an email)
  --body TEXT       the message's text
  --subject TEXT    the email's subject
  --name, --email, --phone, --form NAME     the form's fields and its name
  --invoice ID      the invoice paid (default: the newest with an amount due)
  --amount N        the amount paid (default: the amount due)
  --mode MODE       cash, card, cheque, bank_transfer or other (default: card)
  --sandbox-url URL --sandbox-token T   a sandbox other than the last one started on this machine
`;

const OPTIONS = {
  contact: { type: 'string' },
  body: { type: 'string' },
  subject: { type: 'string' },
  name: { type: 'string' },
  email: { type: 'string' },
  phone: { type: 'string' },
  form: { type: 'string' },
  invoice: { type: 'string' },
  amount: { type: 'string' },
  mode: { type: 'string' },
  'sandbox-url': { type: 'string' },
  'sandbox-token': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/**
 * `ghl-mcp sandbox simulate <kind>`: plays inbound traffic (a contact's SMS or email, a form, a payment) on the
 * sandbox a server is running, so its agent sees the event arrive. Prints for a person on stdout; returns the exit
 * code (0 done and delivered, 1 refused or not delivered, 2 the command was wrong).
 */
export async function runSandboxCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const say = (text: string) => void process.stderr.write(`${text}\n`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    say(`ghl-mcp sandbox: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, kind] = positionals;
  if (values.help) {
    say(USAGE);
    return 0;
  }
  if (command !== 'simulate' || !kind || !Object.hasOwn(SIMULATIONS, kind)) {
    say(`ghl-mcp sandbox: ${command !== 'simulate' ? 'the command is "simulate"' : `say what to simulate: ${Object.keys(SIMULATIONS).join(', ')}`}\n${USAGE}`);
    return 2;
  }
  const amount = values.amount === undefined ? undefined : Number(values.amount);
  if (amount !== undefined && !(amount > 0)) {
    say(`ghl-mcp sandbox: --amount must be a positive number, got "${values.amount}"`);
    return 2;
  }
  const sandbox = values['sandbox-url']
    ? { url: values['sandbox-url'], token: values['sandbox-token'] ?? '' }
    : findRunningSandbox(sandboxControlDir(env, homedir()));
  if (!sandbox) {
    say('ghl-mcp sandbox: no running sandbox found. Start one first (npx ghl-mcp --sandbox --http, or an MCP client running ghl-mcp --sandbox), then run this from another terminal.');
    return 1;
  }
  const input = {
    contactId: values.contact,
    body: values.body,
    subject: values.subject,
    name: values.name,
    email: values.email,
    phone: values.phone,
    form: values.form,
    invoiceId: values.invoice,
    amount,
    mode: values.mode,
  };
  let response: Response;
  try {
    response = await fetch(new URL(`/sandbox/simulate/${kind}`, sandbox.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch (error) {
    say(`ghl-mcp sandbox: the sandbox at ${sandbox.url} did not answer (${(error as Error).message})`);
    return 1;
  }
  const answer = (await response.json().catch(() => ({}))) as { summary?: string; message?: unknown; receiver?: string | null; events?: DeliveryOutcome[] };
  if (!response.ok) {
    say(`ghl-mcp sandbox: refused (${response.status}): ${[answer.message].flat().join('; ')}`);
    return 1;
  }
  const events = answer.events ?? [];
  const lines = events.map((event) =>
    event.status === 200 ? `  ${event.type} delivered to ${answer.receiver} (webhookId ${event.webhookId})` : `  ${event.type} not delivered: ${event.problem ?? `the receiver answered ${event.status}`}`,
  );
  process.stdout.write(`${answer.summary}\n${lines.join('\n')}\n`);
  return events.every((event) => event.status === 200) ? 0 : 1;
}

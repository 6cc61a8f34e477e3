import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_LOCATION_ID } from '../../src/sandbox/seed-data.js';
import { CLI } from '../helpers/mcp.js';
import { connectSandbox } from '../helpers/sandbox.js';

describe('ghl-mcp --sandbox on the command line', () => {
  it('keeps the demo in --sandbox-data across restarts (also as GHL_SANDBOX / GHL_SANDBOX_DATA) until --sandbox-reset', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ghl-sandbox-cli-')), 'demo.json');
    const first = await connectSandbox(['--sandbox', '--sandbox-data', file]);
    const { contact } = await first.call('contacts_create_contact', { firstName: 'Dorothy', lastName: 'Vaughan', email: 'dorothy@example.com' });
    await first.close();

    const second = await connectSandbox([], { GHL_SANDBOX: '1', GHL_SANDBOX_DATA: file });
    expect(second.client.getInstructions()).toContain(`Changes are saved in ${file}`);
    expect((await second.call('contacts_get_contact', { contactId: contact.id })).contact.email).toBe('dorothy@example.com');
    await second.close();

    const reset = await connectSandbox(['--sandbox', '--sandbox-data', file, '--sandbox-reset']);
    expect(await reset.fail('contacts_get_contact', { contactId: contact.id })).toContain('GHL answered 404');
    await reset.close();
  });

  it('sets real credentials and location aside, and never shows them', async () => {
    const realToken = 'pit-11111111-2222-3333-4444-555555555555';
    const sandbox = await connectSandbox(['--sandbox'], { GHL_API_KEY: realToken, GHL_LOCATION_ID: 'realLocation12345678', GHL_BASE_URL: 'http://127.0.0.1:9' });
    const { location } = await sandbox.call('locations_get_location', {});
    expect(location.id).toBe(DEMO_LOCATION_ID);
    const results = JSON.stringify(await sandbox.client.callTool({ name: 'contacts_get_contact', arguments: { contactId: 'AAAAAAAAAAAAAAAAAAAA' } }));
    expect(results + sandbox.stderr()).not.toContain(realToken);
    await sandbox.close();
  });

  it('refuses --sandbox-data without --sandbox', () => {
    const run = spawnSync(process.execPath, [CLI, '--sandbox-data', 'x.json'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--sandbox-data and --sandbox-reset need --sandbox');
  });
});

import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI } from '../helpers/mcp.js';

const ENV = { PATH: process.env.PATH ?? '', GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true' };

/** One terminal command of the built CLI: its exit code, stdout and stderr. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args], { env: ENV }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** `script` (util-linux) gives a command a terminal, as a person running it would have. */
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal, feeding `input`; returns what the terminal showed. */
async function onTerminal(args: string[], input: string): Promise<{ code: number; screen: string }> {
  const child = spawn('script', ['-qfec', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null'], { env: { ...ENV, TERM: 'dumb', NO_COLOR: '1' } });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  child.stdin.end(input);
  const [code] = (await once(child, 'exit')) as [number];
  return { code, screen: screen.replace(/\r/g, '') };
}

describe('the terminal commands (tools, call)', () => {
  it('tools lists what a client would see for the chosen toolsets, for a person', async () => {
    const { code, stdout, stderr } = await run(['tools', '--sandbox', '--toolsets', 'invoices', '--read-only']);
    expect(code).toBe(0);
    const [header, ...lines] = stdout.trimEnd().split('\n');
    expect(header).toBe(`${lines.length} tools (toolsets: invoices · read-only)`);
    expect(lines.some((line) => /^invoices_list_invoices +read +\S/.test(line))).toBe(true);
    expect(stdout).not.toContain('invoices_void_invoice');
    expect(stdout).not.toContain('{"level"');
    expect(stderr).toContain('SANDBOX MODE');
  });

  it('call makes one call and prints its result; the exit code says whether it worked', async () => {
    const ok = await run(['call', 'locations_get_location', '{}', '--sandbox']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toMatch(/^OK: GHL answered 200/);
    expect(ok.stdout).toContain('Bright Smile Dental');

    const missing = await run(['call', 'contacts_get_contact', '{"contactId":"nope1234nope1234nope"}', '--sandbox']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^Error: GHL answered 404/);
  });

  it('says what is wrong with the command itself, with exit code 2 and nothing on stdout', async () => {
    for (const args of [['call', 'no_such_tool', '{}', '--sandbox'], ['call', 'contacts_get_contact', '{not json', '--sandbox'], ['call', 'contacts_get_contact', '[1]'], ['call']]) {
      const { code, stdout, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/ghl-mcp: (Unknown tool no_such_tool|the arguments of contacts_get_contact must be a JSON object|call needs a tool name)/);
    }
  });

  it.skipIf(!hasScript)('asks a person at a terminal before a delete, and does it only on yes (--confirm-destructive)', async () => {
    // Each command is a process of its own: one sandbox data file keeps the same demo location across them.
    const folder = mkdtempSync(path.join(tmpdir(), 'ghl-terminal-'));
    const sandbox = ['--sandbox', '--sandbox-data', path.join(folder, 'sandbox.json')];
    const list = await run(['call', 'contacts_search_contacts_advanced', '{"pageLimit":1}', ...sandbox]);
    const contactId = JSON.parse(list.stdout.slice(list.stdout.indexOf('\n') + 1)).contacts[0].id as string;
    const call = ['call', 'contacts_delete_contact', JSON.stringify({ contactId }), ...sandbox, '--confirm-destructive'];
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const declined = await onTerminal(call, 'n\n');
    expect(declined.screen).toContain(`DELETE /contacts/${contactId}`);
    expect(declined.screen).toMatch(/\[y\/N\]/);
    expect(declined.screen).toMatch(/Error: .*did not confirm/);
    expect(declined.code).toBe(1);
    // Without a terminal nobody can be asked: the result says what would happen.
    const piped = await run(call);
    expect(piped.code).toBe(1);
    expect(piped.stdout).toContain('needs confirmation first');
    const kept = await run(['call', 'contacts_get_contact', JSON.stringify({ contactId }), ...sandbox]);
    expect(kept.code).toBe(0);

    const accepted = await onTerminal(call, 'y\n');
    expect(accepted.screen).toMatch(/OK: GHL answered 200/);
    expect(accepted.code).toBe(0);
    const gone = await run(['call', 'contacts_get_contact', JSON.stringify({ contactId }), ...sandbox]);
    expect(gone.stdout).toMatch(/^Error: GHL answered 404/);
  });
});

describe('the server in a terminal', () => {
  it('writes JSON log lines, ending with a ready line that says how to connect, when stderr is not a terminal', async () => {
    const child = spawn(process.execPath, [CLI, '--sandbox'], { env: { ...ENV, GHL_LOG_LEVEL: 'info' } });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise<void>((resolve) => child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()).includes('ready:') && resolve()));
    child.stdin.end();
    await once(child, 'exit');
    const entries = stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    const ready = entries.find((entry) => entry.msg.startsWith('ready:'))!;
    expect(ready.msg).toMatch(/MCP client/);
    expect(ready.msg).toContain("ghl-mcp call <tool> '<json>'");
    expect(stdout).toBe('');
  });

  it.skipIf(!hasScript)('writes readable lines on a terminal', async () => {
    const { screen } = await onTerminal(['--sandbox'], '');
    const lines = screen.trim().split('\n');
    expect(lines.find((line) => line.includes('ready:'))).toMatch(/^\d\d:\d\d:\d\d INFO  ready: /);
    expect(screen).not.toContain('{"level"');
  });
});

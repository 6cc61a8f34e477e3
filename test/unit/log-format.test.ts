import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { formatLogLine, stderrDestination } from '../../src/terminal/log-format.js';

const at = new Date(2025, 0, 2, 9, 5, 7).getTime();

describe('readable log lines for a terminal', () => {
  it('shows time, level, message and the other fields as key=value', () => {
    const line = JSON.stringify({ level: 40, time: at, name: 'ghl-mcp', msg: 'list_changed not sent', err: 'closed', tool: 'contacts_get_contact', count: 3, body: { a: 1 } });
    expect(formatLogLine(line)).toBe('09:05:07 WARN  list_changed not sent err=closed tool=contacts_get_contact count=3 body={"a":1}\n');
    expect(formatLogLine(JSON.stringify({ level: 30, time: at, msg: 'shutting down', reason: 'stdin ended' }))).toBe('09:05:07 INFO  shutting down reason="stdin ended"\n');
  });

  it('colours the level only when asked, and passes a line that is not JSON through', () => {
    expect(formatLogLine(JSON.stringify({ level: 50, time: at, msg: 'x' }), true)).toBe('\x1b[2m09:05:07\x1b[0m \x1b[31mERROR\x1b[0m x\n');
    expect(formatLogLine('plain text')).toBe('plain text\n');
  });

  it('is used on a terminal (without colour under NO_COLOR), JSON everywhere else', () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (text: string) => written.push(text) };
    const logger = createLogger('info', stderrDestination(tty, { NO_COLOR: '1' }));
    logger.info({ apiKey: 'pit-secret-value' }, 'hello');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\d\d:\d\d:\d\d INFO  hello apiKey=\[redacted\]\n$/);
    const coloured: string[] = [];
    createLogger('info', stderrDestination({ isTTY: true, write: (text: string) => coloured.push(text) }, {})).warn('w');
    expect(coloured[0]).toContain('\x1b[33mWARN');
    // Not a terminal: pino's own stream on fd 2 (JSON), never the formatter.
    const piped = stderrDestination({ isTTY: false, write: () => expect.fail('a pipe gets JSON from pino itself') }, {});
    expect((piped as { fd?: number }).fd).toBe(2);
  });
});

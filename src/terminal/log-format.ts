import pino from 'pino';

/** The labels of pino's numeric levels, and the colour a terminal shows each in. */
const LEVELS: Record<number, { label: string; color: number }> = {
  10: { label: 'TRACE', color: 90 },
  20: { label: 'DEBUG', color: 90 },
  30: { label: 'INFO', color: 32 },
  40: { label: 'WARN', color: 33 },
  50: { label: 'ERROR', color: 31 },
  60: { label: 'FATAL', color: 31 },
};
/** Fields every line has, shown in its own place rather than as key=value. */
const OWN_FIELDS = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname']);

interface Terminal {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Where logs go: stderr, as JSON lines for whatever reads them (an MCP client's log file, a collector), or as
 * readable lines when a person watches stderr in a terminal.
 */
export function stderrDestination(stderr: Terminal = process.stderr, env: NodeJS.ProcessEnv = process.env): pino.DestinationStream {
  if (!stderr.isTTY) return pino.destination({ fd: 2, sync: true });
  const color = !env.NO_COLOR;
  return { write: (line: string) => void stderr.write(formatLogLine(line, color)) };
}

/** One pino JSON line as `12:04:05 WARN  message key=value ...`; a line that is not JSON passes unchanged. */
export function formatLogLine(line: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVELS[Number(entry.level)] ?? { label: String(entry.level ?? '?').toUpperCase(), color: 0 };
  const label = level.label.padEnd(5);
  const time = typeof entry.time === 'number' ? new Date(entry.time).toTimeString().slice(0, 8) : '--:--:--';
  const fields = Object.entries(entry)
    .filter(([key]) => !OWN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const text = [typeof entry.msg === 'string' ? entry.msg : '', ...fields].filter(Boolean).join(' ');
  return `${color ? `\x1b[2m${time}\x1b[0m \x1b[${level.color}m${label}\x1b[0m` : `${time} ${label}`} ${text}\n`;
}

/** Plain words stay bare; anything with spaces, quotes or structure is JSON. */
function fieldText(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

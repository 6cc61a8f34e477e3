import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One entry of Prism's `sl-violations` header. */
export interface Violation {
  location: string[];
  /** Prism writes the name of its DiagnosticSeverity ("Error", "Warning", "Information", "Hint"). */
  severity: string;
  code: string | number;
  message: string;
}

/** One request the server sent, and what Prism said about it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, exactly as sent. */
  url: string;
  status: number;
  violations: Violation[];
  /** The `type` of a problem+json answer: Prism's own errors (no route matched, invalid request, ...). */
  problem?: string;
}

/** Reads the header Prism sets; an over-long header is cut by Prism and reported as one unreadable error. */
export function parseViolations(header: string | undefined): Violation[] {
  if (!header) return [];
  try {
    return JSON.parse(header) as Violation[];
  } catch {
    return [{ location: ['request'], severity: 'Error', code: 'unreadable', message: header.slice(0, 500) }];
  }
}

/** Request violations Prism rates as errors (response violations are about Prism's own examples). */
export function requestErrors(request: ProxiedRequest): Violation[] {
  return request.violations.filter((violation) => violation.location[0] === 'request' && String(violation.severity) === 'Error');
}

/**
 * A loopback HTTP proxy in front of Prism that forwards every request unchanged and records its method,
 * path, status and the violations Prism reported.
 */
export class RecordingProxy {
  readonly requests: ProxiedRequest[] = [];
  private server?: Server;

  constructor(private readonly target: string) {}

  async listen(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer((incoming, outgoing) => {
      const upstream = forward(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            const body = Buffer.concat(chunks);
            const { problem, violations = [] } = problemOf(answer.headers['content-type'], body);
            this.requests.push({
              method: incoming.method ?? '',
              url: incoming.url ?? '',
              status: answer.statusCode ?? 0,
              violations: [...parseViolations(answer.headers['sl-violations'] as string | undefined), ...violations],
              ...(problem ? { problem } : {}),
            });
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(body);
          });
        },
      );
      upstream.on('error', (error) => {
        outgoing.writeHead(502, { 'content-type': 'text/plain' });
        outgoing.end(`proxy: ${error.message}`);
      });
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Prism's own answers (no route matched, an invalid request when the document has no 4xx response to use)
 * are problem+json, with the violations in `validation` instead of the header.
 */
function problemOf(contentType: string | undefined, body: Buffer): { problem?: string; violations?: Violation[] } {
  if (!contentType?.includes('application/problem+json')) return {};
  try {
    const problem = JSON.parse(body.toString()) as { type?: string; title?: string; validation?: (Violation & { location?: string[] })[] };
    const violations = (problem.validation ?? []).map((violation) => ({ ...violation, location: ['request', ...(violation.location ?? [])] }));
    return { problem: `${problem.type ?? ''} ${problem.title ?? ''}`.trim(), violations };
  } catch {
    return { problem: 'unreadable problem+json' };
  }
}

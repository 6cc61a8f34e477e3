import type { FakeResponse } from './fake-ghl.js';

/** An error answer in GHL's shape, thrown by a sandbox handler and sent by the router. */
export class GhlError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

export const ok = (body: unknown): FakeResponse => ({ status: 200, body });
export const created = (body: unknown): FakeResponse => ({ status: 201, body });

export function notFound(message: string): GhlError {
  return new GhlError(404, { statusCode: 404, message, error: 'Not Found' });
}

export function badRequest(message: string, extra: Record<string, unknown> = {}): GhlError {
  return new GhlError(400, { statusCode: 400, message, ...extra });
}

/** GHL's validation failure: every problem at once, as an array of messages. */
export function unprocessable(messages: string[]): GhlError {
  return new GhlError(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
}

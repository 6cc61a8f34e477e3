import type { Sandbox } from '../../src/sandbox/sandbox.js';

export interface SandboxRequestOptions {
  /** The Version header; `null` sends none. Default 2021-07-28. */
  version?: string | null;
  token?: string;
  body?: unknown;
}

/** Plain HTTP to a started sandbox, the way a GHL client calls GHL: bearer token, Version header, JSON body. */
export function sandboxRequester(sandbox: () => Sandbox) {
  return async (method: string, path: string, options: SandboxRequestOptions = {}) => {
    const { baseUrl, token } = sandbox();
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? token}`, 'content-type': 'application/json' };
    if (options.version !== null) headers.version = options.version ?? '2021-07-28';
    const response = await fetch(baseUrl + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}

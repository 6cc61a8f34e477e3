import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/** Addresses a stranger's URL must never make this server connect to: its own machine and private networks. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return true;
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

export class PublicFetchError extends Error {}

export interface PublicFetchOptions {
  /** Loopback and private addresses allowed (the server itself runs on loopback: tests, development). */
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  resolve?: Resolve;
}

/**
 * GETs a URL a stranger named, as text: the host name is resolved first and refused when any of its addresses is
 * private (unless allowed), and the connection goes to the address that was checked (no second lookup a DNS
 * rebinding could answer differently). No redirects, bounded size and time. TLS still checks the host's name.
 */
export async function fetchPublic(url: URL, options: PublicFetchOptions): Promise<{ status: number; text: string }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await (options.resolve ?? systemResolve)(host).catch(() => []);
  if (addresses.length === 0) throw new PublicFetchError(`${host} does not resolve`);
  if (!options.allowPrivate && addresses.some(({ address }) => isPrivateAddress(address))) {
    throw new PublicFetchError(`${host} resolves to a loopback or private address`);
  }
  const pinned = addresses[0]!;
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        headers: { accept: 'application/json' },
        lookup: (_hostname, lookupOptions, callback) => {
          const done = callback as (error: Error | null, address: string | { address: string; family: number }[], family?: number) => void;
          if ((lookupOptions as { all?: boolean }).all) done(null, [pinned]);
          else done(null, pinned.address, pinned.family);
        },
      },
      (response) => void readLimited(response, options.maxBytes).then((text) => resolve({ status: response.statusCode ?? 0, text }), reject),
    );
    const timer = setTimeout(() => request.destroy(new PublicFetchError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', (error) => reject(error instanceof PublicFetchError ? error : new PublicFetchError((error as Error & { code?: string }).code ?? error.message)));
    request.end();
  });
}

/** The body as text, refused once it passes maxBytes (declared or streamed). */
function readLimited(response: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new PublicFetchError(`larger than ${maxBytes} bytes`);
    if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
      response.destroy();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        response.destroy();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

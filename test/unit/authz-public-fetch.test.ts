import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchClientMetadata } from '../../src/authz/client-metadata.js';
import { fetchPublic, isPrivateAddress } from '../../src/authz/public-fetch.js';

const REDIRECT = 'http://127.0.0.1:7777/callback';

describe('client ID metadata documents: what a host name resolves to', () => {
  it('refuses a public-looking https name that resolves to a private, loopback or link-local address, before connecting', async () => {
    for (const address of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '192.168.1.9', '::1', 'fd00::7', '::ffff:127.0.0.1']) {
      const asked: string[] = [];
      const resolve = async (host: string) => {
        asked.push(host);
        return [{ address, family: address.includes(':') ? 6 : 4 }];
      };
      const clientId = `https://client-${asked.length}-${address.replace(/[.:]/g, '-')}.example.com/client.json`;
      await expect(fetchClientMetadata(clientId, { allowLoopbackHttp: false, timeoutMs: 300, resolve }), address).rejects.toMatchObject({
        code: 'invalid_client',
        description: expect.stringContaining('resolves to a loopback or private address'),
      });
      expect(asked).toEqual([new URL(clientId).hostname]);
    }
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const resolve = async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.8', family: 4 }];
    await expect(fetchPublic(new URL('https://mixed.example.com/c.json'), { allowPrivate: false, timeoutMs: 300, maxBytes: 1000, resolve })).rejects.toThrow(/private/);
  });

  it('knows the private ranges, and public addresses are not among them', () => {
    for (const ip of ['0.0.0.0', '100.64.0.1', '172.20.0.1', '198.18.0.1', '224.0.0.1', 'fe80::1', '::']) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
  });
});

describe('client ID metadata documents: the connection goes to the address that was checked', () => {
  let documents: Server;
  let port = 0;
  const hosts: string[] = [];
  beforeAll(async () => {
    documents = createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ client_id: `http://localhost:${port}${req.url}`, client_name: 'Pinned', redirect_uris: [REDIRECT] }));
    });
    // 127.0.0.3: where the system resolver never sends "localhost", so only the pinned address reaches it.
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.3', resolve));
    port = (documents.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => documents.close(() => resolve())));

  it('connects to the resolved address once, keeping the name in the Host header', async () => {
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [{ address: '127.0.0.3', family: 4 }];
    };
    const clientId = `http://localhost:${port}/pinned.json`;
    const client = await fetchClientMetadata(clientId, { allowLoopbackHttp: true, timeoutMs: 2000, resolve });
    expect(client.client_name).toBe('Pinned');
    expect(lookups).toBe(1);
    expect(hosts).toEqual([`localhost:${port}`]);
  });
});

import { describe, expect, it } from 'vitest';
import { redirectUriRegistered } from '../../src/authz/redirect-uris.js';

describe('redirect URIs at /authorize', () => {
  it('match exactly, but an http loopback IP literal registered without a port takes any port (RFC 8252 §7.3)', () => {
    const registered = ['http://127.0.0.1/callback', 'http://[::1]/cb', 'http://127.0.0.1:7777/fixed', 'https://app.example.com/cb', 'http://localhost:3000/cb'];
    const ok = ['http://127.0.0.1:53124/callback', 'http://127.0.0.1/callback', 'http://[::1]:9999/cb', 'http://127.0.0.1:7777/fixed', 'https://app.example.com/cb', 'http://localhost:3000/cb'];
    for (const uri of ok) expect(redirectUriRegistered(registered, uri), uri).toBe(true);
    const refused = [
      'http://127.0.0.1:53124/other',
      'http://127.0.0.1:53124/callback?x=1',
      'http://127.0.0.1:7778/fixed',
      'https://app.example.com:8443/cb',
      'http://localhost:3001/cb',
      'http://127.0.0.2:53124/callback',
      'https://127.0.0.1:53124/callback',
      'http://[::1]:9999/cb2',
    ];
    for (const uri of refused) expect(redirectUriRegistered(registered, uri), uri).toBe(false);
  });
});

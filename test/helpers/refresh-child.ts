/**
 * A process that refreshes the stored OAuth grant and kills itself with SIGKILL at a chosen point: a step of
 * the save (KILL_AT=written|synced|renamed|saved) or right after the first call (KILL_AT=after-call). With
 * KILL_AT unset it kills nothing itself: the parent kills it (e.g. while its refresh holds the lock).
 * STORE=redis keeps the tokens in Redis (REDIS_URL, REDIS_KEY) instead of TOKEN_FILE.
 * Run with `node --import tsx`; the parent owns the fake GHL and the token store.
 */
import { FileTokenStore, type SaveStep } from '../../src/auth/file-store.js';
import { LocationTokens } from '../../src/auth/location-tokens.js';
import { OAuthClient } from '../../src/auth/oauth-client.js';
import { OAuthTokenSource } from '../../src/auth/oauth-source.js';
import { RedisTokenStore } from '../../src/auth/redis-store.js';
import { Refresher } from '../../src/auth/refresher.js';
import { createLogger } from '../../src/logger.js';

type Env = 'BASE_URL' | 'TOKEN_FILE' | 'KILL_AT' | 'CLIENT_ID' | 'CLIENT_SECRET' | 'STORE' | 'REDIS_URL' | 'REDIS_KEY';
const { BASE_URL, TOKEN_FILE, KILL_AT, CLIENT_ID, CLIENT_SECRET, STORE, REDIS_URL, REDIS_KEY } = process.env as Record<Env, string>;
const die = () => process.kill(process.pid, 'SIGKILL');
const store =
  STORE === 'redis'
    ? new RedisTokenStore(REDIS_URL, REDIS_KEY)
    : new FileTokenStore(TOKEN_FILE, {
        onStep: (step: SaveStep) => {
          if (step === KILL_AT) die();
        },
      });
const logger = createLogger('warn');
const oauth = new OAuthClient(BASE_URL, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
const refresher = new Refresher(store, oauth, logger);
const source = new OAuthTokenSource(refresher, new LocationTokens(oauth, refresher, logger));
const token = await source.token(undefined);
const response = await fetch(`${BASE_URL}/contacts/c1`, { headers: { authorization: `Bearer ${token}`, version: '2021-07-28' } });
if (KILL_AT === 'after-call' && response.ok) die();
process.exitCode = 3; // not killed: the kill point was never reached
await store.close();

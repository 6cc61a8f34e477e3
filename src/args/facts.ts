import { LookupFailed, type Lookups } from './lookups.js';
import type { ZoneAnswer } from './times.js';
import { dateInZone, isKnownZone } from './zone.js';

type Json = Record<string, unknown>;
export type Read = { record: Json } | { failed: string };

export interface CallScope {
  /** The location the call acts on; undefined when neither the call nor the configuration names one. */
  locationId: string | undefined;
  signal?: AbortSignal;
  /** Asked once, before the first read: false when the call has other problems, so it costs GHL nothing. */
  mayRead: () => boolean;
  now?: () => number;
}

const NOT_READ = 'not read while other arguments need fixing';

/**
 * What one call may need to know about its location and contacts, each read at most once per call and only when
 * a conversion or a fill asks for it.
 */
export class CallFacts {
  private profile?: Promise<Read>;
  private readonly contacts = new Map<string, Promise<Read>>();
  private allowed?: boolean;

  constructor(
    private readonly lookups: Lookups,
    private readonly scope: CallScope,
  ) {}

  location(): Promise<Read> {
    const { locationId, signal } = this.scope;
    if (!locationId) return Promise.resolve({ failed: 'no location is named in the call or configured' });
    if (!this.mayRead()) return Promise.resolve({ failed: `the location profile was ${NOT_READ}` });
    this.profile ??= settle(this.lookups.location(locationId, signal), 'the location profile could not be read');
    return this.profile;
  }

  contact(contactId: string): Promise<Read> {
    if (!this.mayRead()) return Promise.resolve({ failed: `contact ${contactId} was ${NOT_READ}` });
    let read = this.contacts.get(contactId);
    if (!read) {
      read = settle(this.lookups.contact(contactId, this.scope.locationId, this.scope.signal), `contact ${contactId} could not be read`);
      this.contacts.set(contactId, read);
    }
    return read;
  }

  private mayRead(): boolean {
    this.allowed ??= this.scope.mayRead();
    return this.allowed;
  }

  /** The location's IANA zone (`timezone` of its profile), or why it is not known. */
  async zone(): Promise<ZoneAnswer> {
    const read = await this.location();
    if ('failed' in read) return { unknown: read.failed };
    const business = read.record.business as Json | undefined;
    const zone = read.record.timezone ?? business?.timezone;
    if (typeof zone !== 'string' || zone === '') return { unknown: 'the location profile names no time zone' };
    if (!isKnownZone(zone)) return { unknown: `the location's time zone "${zone}" is not one this server knows` };
    return { zone };
  }

  /** Today's date in the location's zone. */
  async today(): Promise<{ date: string; zone: string } | { unknown: string }> {
    const zone = await this.zone();
    return 'unknown' in zone ? zone : { date: dateInZone((this.scope.now ?? Date.now)(), zone.zone), zone: zone.zone };
  }
}

async function settle(read: Promise<Json>, failure: string): Promise<Read> {
  try {
    return { record: await read };
  } catch (error) {
    return { failed: `${failure}: ${error instanceof LookupFailed ? error.reason : (error as Error).message}` };
  }
}

import { LookupFailed, type Lookups } from './lookups.js';
import type { ZoneAnswer } from './times.js';
import { dateInZone, isKnownZone } from './zone.js';

type Json = Record<string, unknown>;
export type Read = { record: Json } | { failed: string };

/**
 * What one call may need to know about its location and contacts, each read at most once per call and only when
 * a conversion or a fill asks for it.
 */
export class CallFacts {
  private profile?: Promise<Read>;
  private readonly contacts = new Map<string, Promise<Read>>();

  constructor(
    private readonly lookups: Lookups,
    /** The location the call acts on; undefined when neither the call nor the configuration names one. */
    readonly locationId: string | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  location(): Promise<Read> {
    const { locationId } = this;
    if (!locationId) return Promise.resolve({ failed: 'no location is named in the call or configured' });
    this.profile ??= settle(this.lookups.location(locationId, this.signal), 'the location profile could not be read');
    return this.profile;
  }

  contact(contactId: string): Promise<Read> {
    let read = this.contacts.get(contactId);
    if (!read) {
      read = settle(this.lookups.contact(contactId, this.locationId, this.signal), `contact ${contactId} could not be read`);
      this.contacts.set(contactId, read);
    }
    return read;
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
    return 'unknown' in zone ? zone : { date: dateInZone(this.now(), zone.zone), zone: zone.zone };
  }
}

async function settle(read: Promise<Json>, failure: string): Promise<Read> {
  try {
    return { record: await read };
  } catch (error) {
    return { failed: `${failure}: ${error instanceof LookupFailed ? error.reason : (error as Error).message}` };
  }
}

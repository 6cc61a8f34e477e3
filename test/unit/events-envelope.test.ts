import { describe, expect, it } from 'vitest';
import { normaliseEvent, UNKNOWN_EVENT_TYPE } from '../../src/events/envelope.js';
import { sharedMissing } from '../helpers/shared.js';
import { documentedPayloads } from '../helpers/webhooks.js';

const received = new Date('2026-11-30T12:00:00.000Z');
const ID = /^[\w-]+$/;

describe('event envelope', () => {
  it('reads type, location, time and the records an inbound SMS is about', () => {
    const event = normaliseEvent(
      { type: 'InboundMessage', locationId: 'loc1', contactId: 'c1', conversationId: 'conv1', messageId: 'm1', dateAdded: '2026-11-30T11:59:00.000Z', body: 'hi' },
      'wh1',
      received,
    );
    expect(event).toMatchObject({
      id: 'wh1',
      type: 'InboundMessage',
      locationId: 'loc1',
      time: '2026-11-30T11:59:00.000Z',
      receivedAt: received.toISOString(),
      ids: { contactId: 'c1', conversationId: 'conv1', messageId: 'm1' },
    });
    expect(event.ids).not.toHaveProperty('opportunityId');
  });

  it('takes a record’s own id by its type family, and an appointment’s from inside it', () => {
    expect(normaliseEvent({ type: 'OpportunityStageUpdate', locationId: 'l', id: 'o1', contactId: 'c1' }, 'w', received).ids).toEqual({ opportunityId: 'o1', contactId: 'c1' });
    expect(normaliseEvent({ type: 'ContactTagUpdate', locationId: 'l', id: 'c2' }, 'w', received).ids).toEqual({ contactId: 'c2' });
    expect(normaliseEvent({ type: 'NoteCreate', locationId: 'l', id: 'n1', contactId: 'c3' }, 'w', received).ids).toEqual({ contactId: 'c3' });
    const appointment = normaliseEvent({ type: 'AppointmentCreate', locationId: 'l', appointment: { id: 'a1', contactId: 'c4', dateUpdated: 1764500000 } }, 'w', received);
    expect(appointment.ids).toEqual({ appointmentId: 'a1', contactId: 'c4' });
    expect(appointment.time).toBe(new Date(1764500000 * 1000).toISOString());
  });

  it('reads an invoice without a type by its number, its location from altId, its contact from contactDetails', () => {
    const event = normaliseEvent({ _id: 'inv1', invoiceNumber: '12', altId: 'loc9', altType: 'location', contactDetails: { id: 'c5' } }, 'w', received);
    expect(event).toMatchObject({ type: UNKNOWN_EVENT_TYPE, locationId: 'loc9', ids: { invoiceId: 'inv1', contactId: 'c5' } });
  });

  it('keeps an unknown or odd payload as a generic event', () => {
    const payload = { type: 42, locationId: ['x'], timestamp: 'not a time', appointment: 'no', nested: { deep: true } };
    const event = normaliseEvent(payload, 'w', received);
    expect(event).toEqual({ id: 'w', type: UNKNOWN_EVENT_TYPE, time: received.toISOString(), receivedAt: received.toISOString(), ids: {}, payload });
  });
});

describe.skipIf(sharedMissing())('every documented webhook payload', () => {
  const payloads = documentedPayloads();

  it('covers the 58 documented events', () => {
    expect(new Set(payloads.map(({ file }) => file)).size).toBe(58);
  });

  it.each(payloads.map(({ file, payload }, index) => [`${file} #${index}`, file, payload] as const))('%s', (_name, file, payload) => {
    const event = normaliseEvent(payload, 'wh', received);
    expect(event.payload).toBe(payload);
    expect(event.type).toBe(typeof payload.type === 'string' ? payload.type : UNKNOWN_EVENT_TYPE);
    // Only agency-level deliveries (no locationId, a companyId instead) lack a location.
    if (event.locationId === undefined) expect(payload.companyId ?? payload.altType).toBeDefined();
    else expect(event.locationId).toMatch(ID);
    expect(Number.isNaN(Date.parse(event.time))).toBe(false);
    for (const id of Object.values(event.ids)) expect(id).toMatch(ID);
    const family = file.replace(/\.md$/, '');
    if (family.startsWith('Contact')) expect(event.ids.contactId).toBe(payload.id);
    if (family.startsWith('Opportunity')) expect(event.ids.opportunityId).toBe(payload.id);
    if (family.startsWith('Invoice')) expect(event.ids.invoiceId).toBe(payload._id);
    if (family.startsWith('Appointment')) expect(event.ids.appointmentId).toBe((payload.appointment as { id: string }).id);
    if (family === 'ConversationUnreadWebhook') expect(event.ids.conversationId).toBe(payload.id);
    if (/^(Inbound|Outbound)Message$/.test(family)) expect(event.ids).toMatchObject({ contactId: payload.contactId, conversationId: payload.conversationId });
  });
});

import { snakeKey } from './text.js';
import { applyContactFields } from './routes/contacts.js';
import { openConversation, recordMessage } from './routes/conversations.js';
import { newInvoice } from './routes/invoices.js';
import { recordedTransaction } from './routes/payments.js';
import * as demo from './seed-data.js';
import { freeSlots, isoInZone } from './slots.js';
import { type Doc, type SandboxStore, seededRandom } from './state.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CONTACT_COUNT = 60;
const DEMO_SEED = 20_260_501;

/**
 * Fills an empty store with the demo location. Choices come from a fixed seed, so the demo reads the same on every
 * start; times are relative to the store's clock, so appointments are always upcoming and messages recent.
 */
export function seedDemo(store: SandboxStore, random = seededRandom(DEMO_SEED)): void {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const now = store.now();
  const locationId = demo.DEMO_LOCATION_ID;

  store.collection('locations').insert({ ...demo.LOCATION, dateAdded: store.iso(now - 400 * DAY) });
  const users = demo.USERS.map((user) =>
    store.collection('users').insert({
      id: store.id(),
      name: `${user.firstName} ${user.lastName}`,
      ...user,
      role: undefined,
      extension: '',
      roles: { type: 'account', role: user.role, locationIds: [locationId], restrictSubAccount: false },
      permissions: { contactsEnabled: true, opportunitiesEnabled: true, appointmentsEnabled: true, conversationsEnabled: true, invoiceEnabled: true, settingsEnabled: user.role === 'admin' },
      deleted: false,
      platformLanguage: 'en_US',
    }),
  );

  const fields = [
    ...demo.CONTACT_FIELDS.map((field) => ({ ...field, model: 'contact' })),
    ...demo.OPPORTUNITY_FIELDS.map((field) => ({ ...field, model: 'opportunity' })),
  ].map((field, position) =>
    store.collection('customFields').insert({
      id: store.id(),
      name: field.name,
      dataType: field.dataType,
      model: field.model,
      fieldKey: `${field.model}.${snakeKey(field.name)}`,
      placeholder: '',
      position,
      picklistOptions: field.dataType === 'SINGLE_OPTIONS' ? [...field.options] : [],
      locationId,
    }),
  );
  for (const value of demo.CUSTOM_VALUES) {
    store.collection('customValues').insert({ id: store.id(), ...value, fieldKey: `{{ custom_values.${snakeKey(value.name)} }}`, locationId });
  }
  for (const name of demo.TAGS) store.collection('tags').insert({ id: store.id(), name, locationId });

  const contacts: Doc[] = [];
  for (let index = 0; index < CONTACT_COUNT; index += 1) {
    const firstName = demo.FIRST_NAMES[index % demo.FIRST_NAMES.length]!;
    const lastName = demo.LAST_NAMES[(index * 7 + Math.floor(index / demo.FIRST_NAMES.length)) % demo.LAST_NAMES.length]!;
    const added = now - (CONTACT_COUNT * 3 - index * 3) * DAY + between(8 * 60, 18 * 60) * MINUTE;
    const dnd = index === 7 || index === 23;
    const contact: Doc = { id: store.id(), locationId, type: 'lead', tags: [], customFields: [], dnd, followers: [], dateAdded: store.iso(added) };
    applyContactFields(
      contact,
      {
        firstName,
        lastName,
        email: index % 10 === 9 ? undefined : `${firstName}.${lastName}@${pick(demo.EMAIL_DOMAINS)}`.toLowerCase(),
        phone: index % 13 === 5 ? undefined : `+1${demo.AREA_CODES[index % 2]}55501${String(index).padStart(2, '0')}`,
        companyName: index % 9 === 0 ? pick(demo.COMPANIES) : undefined,
        source: pick(demo.SOURCES),
        timezone: demo.DEMO_TIMEZONE,
        country: 'US',
        city: 'Austin',
        state: 'TX',
        assignedTo: index % 3 === 0 ? pick(users).id : undefined,
        dndSettings: dnd ? { SMS: { status: 'active', message: 'Asked not to be texted' }, Email: { status: 'active' } } : undefined,
        tags: [...new Set([...(index < 10 ? ['new patient'] : []), ...Array.from({ length: between(0, 2) }, () => pick(demo.TAGS))])],
        customFields: [
          { id: fields[0]!.id, field_value: pick(demo.CONTACT_FIELDS[0].options) },
          { id: fields[1]!.id, field_value: store.iso(added + between(1, 60) * DAY).slice(0, 10) },
          { id: fields[2]!.id, field_value: pick(demo.CONTACT_FIELDS[2].options) },
        ],
      },
      fields,
    );
    contact.dateUpdated = contact.dateAdded;
    contacts.push(store.collection('contacts').insert(contact));
  }

  for (let index = 0; index < 15; index += 1) {
    const contact = pick(contacts);
    store.collection('notes').insert({ id: store.id(), body: pick(demo.NOTES), userId: pick(users).id, contactId: contact.id, dateAdded: store.iso(Date.parse(contact.dateAdded) + DAY) });
  }
  for (let index = 0; index < 10; index += 1) {
    const due = now + between(-5, 10) * DAY;
    const contact = pick(contacts);
    store.collection('tasks').insert({ id: store.id(), title: pick(demo.TASKS), body: '', dueDate: store.iso(due), completed: due < now && index % 2 === 0, contactId: contact.id, assignedTo: pick(users).id });
  }

  seedPipelines(store, contacts, users, pick, between);
  seedCalendars(store, contacts, users, pick, between);
  seedConversations(store, contacts, between);
  seedCatalog(store, contacts);
  // Last, so the IDs seeded before stay what they were.
  for (const invoice of store.collection('invoices').filter((record) => record.status === 'paid')) recordedTransaction(store, invoice, invoice.total, 'card', invoice.updatedAt);
  for (const name of demo.LOST_REASONS) {
    store.collection('lostReasons').insert({ id: store.id(), name, locationId: demo.DEMO_LOCATION_ID, createdAt: store.iso(now - 90 * DAY), updatedAt: store.iso(now - 90 * DAY) });
  }
}

type Pick = <T>(list: readonly T[]) => T;
type Between = (low: number, high: number) => number;

function seedPipelines(store: SandboxStore, contacts: Doc[], users: Doc[], pick: Pick, between: Between): void {
  const locationId = demo.DEMO_LOCATION_ID;
  const pipelines = demo.PIPELINES.map((pipeline) =>
    store.collection('pipelines').insert({
      id: store.id(),
      name: pipeline.name,
      stages: pipeline.stages.map((name, position) => ({ id: store.uuid(), name, position, showInFunnel: true, showInPieChart: true })),
      showInFunnel: true,
      showInPieChart: true,
      locationId,
    }),
  );
  for (let index = 0; index < 18; index += 1) {
    const which = index % 3 === 2 ? 1 : 0;
    const [pipeline, plan, contact] = [pipelines[which]!, demo.PIPELINES[which], contacts[index]!];
    const created = store.iso(Date.parse(contact.dateAdded) + DAY);
    const status = index % 7 === 3 ? 'won' : index % 11 === 5 ? 'lost' : 'open';
    const stage = status === 'won' ? pipeline.stages.at(-1) : pick(pipeline.stages.slice(0, -1));
    store.collection('opportunities').insert({
      id: store.id(),
      name: `${contact.contactName} - ${plan.label}`,
      monetaryValue: Math.round(between(plan.value[0], plan.value[1]) / 50) * 50,
      pipelineId: pipeline.id,
      pipelineStageId: stage.id,
      assignedTo: pick(users).id,
      status,
      source: contact.source,
      contactId: contact.id,
      locationId,
      customFields: [],
      followers: [],
      indexVersion: 1,
      createdAt: created,
      updatedAt: created,
      lastStageChangeAt: created,
      lastStatusChangeAt: created,
      lastActionDate: created,
    });
  }
}

function seedCalendars(store: SandboxStore, contacts: Doc[], users: Doc[], pick: Pick, between: Between): void {
  const locationId = demo.DEMO_LOCATION_ID;
  const zone = demo.DEMO_TIMEZONE;
  const now = store.now();
  for (const plan of demo.CALENDARS) {
    const slug = snakeKey(plan.name).replace(/_/g, '-');
    const address = `${demo.LOCATION.address}, ${demo.LOCATION.city}, ${demo.LOCATION.state}`;
    const calendar = store.collection('calendars').insert({
      id: store.id(),
      locationId,
      name: plan.name,
      description: plan.description,
      slug,
      widgetSlug: slug,
      calendarType: 'event',
      widgetType: 'classic',
      eventTitle: '{{contact.name}}',
      meetingLocation: address,
      slotDuration: plan.slotDuration,
      slotDurationUnit: 'mins',
      slotInterval: plan.slotDuration,
      slotIntervalUnit: 'mins',
      openHours: plan.openHours.map((rule) => ({
        daysOfTheWeek: [...rule.daysOfTheWeek],
        hours: rule.hours.map(([openHour, openMinute, closeHour, closeMinute]) => ({ openHour, openMinute, closeHour, closeMinute })),
      })),
      teamMembers: [{ userId: users[plan.teamMember]!.id, priority: 1, isPrimary: true, meetingLocationType: 'address', meetingLocation: address }],
      autoConfirm: true,
      allowReschedule: true,
      allowCancellation: true,
      isActive: true,
      availabilityType: 0,
    });
    // Past visits (any open slot of the last two weeks) and upcoming ones (free slots of the next ten days).
    for (const [from, to, count] of [[now - 14 * DAY, now - DAY, 3], [now + DAY, now + 10 * DAY, 4]] as const) {
      const bookings = store.collection('appointments').filter((item) => item.calendarId === calendar.id);
      const open = Object.values(freeSlots(calendar, bookings, { from, to, now: from, calendarZone: zone, answerZone: zone })).flatMap((day) => day.slots);
      for (let booked = 0; booked < count && open.length > 0; booked += 1) {
        const [slot] = open.splice(between(0, open.length - 1), 1);
        const start = Date.parse(slot!);
        const contact = pick(contacts);
        const past = start < now;
        store.collection('appointments').insert({
          id: store.id(),
          calendarId: calendar.id,
          locationId,
          contactId: contact.id,
          groupId: '',
          title: contact.contactName,
          appointmentStatus: past ? pick(['showed', 'showed', 'noshow']) : 'confirmed',
          assignedUserId: calendar.teamMembers[0].userId,
          users: [calendar.teamMembers[0].userId],
          address: calendar.meetingLocation,
          isRecurring: false,
          startTime: isoInZone(start, zone),
          endTime: isoInZone(start + plan.slotDuration * MINUTE, zone),
          dateAdded: store.iso(Math.min(start, now) - 3 * DAY),
          dateUpdated: store.iso(Math.min(start, now) - 3 * DAY),
          createdBy: { source: 'booking_widget' },
        });
      }
    }
  }
}

function seedConversations(store: SandboxStore, contacts: Doc[], between: Between): void {
  const now = store.now();
  const texted = contacts.filter((contact) => contact.phone && !contact.dnd).slice(0, 12);
  texted.forEach((contact, index) => {
    let at = now - between(1, 25) * DAY - between(0, 600) * MINUTE;
    const conversation = openConversation(store, demo.DEMO_LOCATION_ID, contact.id, at);
    const thread = demo.SMS_THREADS[index % demo.SMS_THREADS.length]!;
    thread.lines.forEach((line, turn) => {
      const fromContact = (turn % 2 === 0) === (thread.from === 'contact');
      const direction = fromContact ? 'inbound' : 'outbound';
      recordMessage(store, conversation, { type: 'SMS', direction, body: line.replace('{first}', contact.firstName), status: 'delivered', at });
      at += between(3, 90) * MINUTE;
    });
    if (index % 3 === 0 && contact.email) {
      const email = demo.EMAILS[index % demo.EMAILS.length]!;
      const body = email.body.replace('{first}', contact.firstName);
      recordMessage(store, conversation, { type: 'Email', direction: 'outbound', body, html: `<p>${body}</p>`, subject: email.subject, status: 'delivered', at });
    }
  });
}

function seedCatalog(store: SandboxStore, contacts: Doc[]): void {
  const locationId = demo.DEMO_LOCATION_ID;
  const now = store.now();
  const created = store.iso(now - 300 * DAY);
  const products = demo.PRODUCTS.map((plan) => {
    const product = store.collection('products').insert({
      _id: store.objectId(),
      locationId,
      name: plan.name,
      productType: plan.productType,
      description: plan.description,
      availableInStore: true,
      slug: snakeKey(plan.name).replace(/_/g, '-'),
      variants: [],
      collectionIds: [],
      taxes: [],
      createdAt: created,
      updatedAt: created,
    });
    const prices = plan.prices.map((price) =>
      store.collection('prices').insert({ _id: store.objectId(), product: product._id, locationId, currency: 'USD', variantOptionIds: [], ...price, createdAt: created, updatedAt: created }),
    );
    return { product, prices };
  });
  for (const plan of demo.INVOICES) {
    const { product, prices } = products[plan.product]!;
    const price = prices[0]!;
    const contact = contacts[plan.contact]!;
    const issued = now - plan.daysAgo * DAY;
    const invoice = newInvoice(store, locationId, {
      name: product.name,
      currency: 'USD',
      items: [{ name: product.name, description: product.description, productId: product._id, priceId: price._id, amount: price.amount, qty: 1, type: price.type }],
      contactDetails: { id: contact.id, name: contact.contactName, email: contact.email ?? '', phoneNo: contact.phone ?? '' },
      businessDetails: { name: demo.LOCATION.business.name, phoneNo: demo.LOCATION.phone, website: demo.LOCATION.website },
      sentTo: { email: contact.email ? [contact.email] : [] },
      issueDate: store.iso(issued).slice(0, 10),
      dueDate: store.iso(issued + 14 * DAY).slice(0, 10),
    });
    invoice.status = plan.status;
    if (plan.status === 'paid') Object.assign(invoice, { amountPaid: invoice.total, amountDue: 0 });
    invoice.createdAt = invoice.updatedAt = store.iso(issued);
    store.collection('invoices').insert(invoice);
  }
}

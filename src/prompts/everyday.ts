import { dayWindow, resolveDate } from './day.js';
import type { Contact } from './location-data.js';
import type { PromptContext, PromptDefinition, PromptPart } from './types.js';

/**
 * The everyday jobs of a GHL location as MCP prompts: each resolves its arguments against the location's data
 * (IDs, names, the time zone) and spells out the tool calls, so the model starts with the IDs it would otherwise
 * have to look up, and asks before anything is sent to a customer.
 */

const DAY_MS = 86_400_000;
const CHANNELS = ['SMS', 'Email'] as const;

/** A tool call as the model should make it: `name {"arg": value}`. */
const call = (name: string, args: Record<string, unknown>) => `${name} ${JSON.stringify(args)}`;

const numbered = (steps: string[]) => steps.map((step, index) => `${index + 1}. ${step}`).join('\n');

function who(contact: Contact): string {
  const reach = [contact.email, contact.phone].filter(Boolean).join(', ');
  const tags = contact.tags.length > 0 ? `; tags: ${contact.tags.join(', ')}` : '';
  return `${contact.name} (contactId ${contact.id}${reach ? `; ${reach}` : ''}${tags})`;
}

/** What the model should do when a named contact was not found: look it up first. */
const lookUp = (typed: string) =>
  `No contact matched "${typed}": find them first with ${call('contacts_search_contacts_advanced', { query: typed, pageLimit: 10 })} and use their id as contactId below.`;

async function timeZoneOf(context: PromptContext): Promise<{ name?: string; timeZone: string }> {
  const location = await context.data.location().catch(() => undefined);
  return { name: location?.name, timeZone: typeof location?.timezone === 'string' ? location.timezone : 'UTC' };
}

const followUpLead: PromptDefinition = {
  name: 'follow_up_lead',
  title: 'Follow up a lead',
  description: 'Read what happened with a contact, draft a follow-up message for your OK, send it and log a note and a task.',
  arguments: [
    { name: 'contact', description: 'The lead: a name, email or phone', required: true, complete: 'contact' },
    { name: 'channel', description: 'SMS or Email (default: SMS when they have a phone)', complete: CHANNELS },
    { name: 'goal', description: 'What the message should achieve, e.g. "book a consultation"' },
  ],
  async render(context) {
    const contact = await context.contact('contact');
    const channel = context.args.channel?.toLowerCase() === 'email' || (contact && !contact.phone) ? 'Email' : 'SMS';
    const contactId = contact?.id ?? '<contactId>';
    const intro = contact ? `Follow up with the lead ${who(contact)}.` : `Follow up with the lead "${context.args.contact}". ${lookUp(context.args.contact!)}`;
    const dnd = contact?.dnd ? '\nThis contact is on do-not-disturb: do not message them; tell me instead.' : '';
    const due = new Date(context.now + 2 * DAY_MS).toISOString();
    return [{
      text: `${intro}${dnd}\n${numbered([
        `See what happened so far: ${call('conversations_search_conversation', { contactId })}, then ${call('conversations_get_messages', { conversationId: '<latest conversation id>' })}, and open deals with ${call('opportunities_search_opportunity', { contact_id: contactId, status: 'open' })}.`,
        `Draft one short, friendly ${channel} message that moves toward ${context.args.goal ? `this goal: ${context.args.goal}` : 'the next step'}. Show it to me and wait for my OK.`,
        `Once I approve, send it: ${call('conversations_send_a_new_message', channel === 'Email' ? { type: 'Email', contactId, subject: '<subject>', html: '<message>' } : { type: 'SMS', contactId, message: '<message>' })}.`,
        `Log it: ${call('contacts_create_note', { contactId, body: '<what was sent and why>' })} and ${call('contacts_create_task', { contactId, title: 'Check for a reply', dueDate: due, completed: false })}.`,
      ])}`,
    }];
  },
};

const bookAppointment: PromptDefinition = {
  name: 'book_appointment',
  title: 'Book an appointment',
  description: 'Find free times in a calendar, offer them, and book the one chosen for a contact.',
  arguments: [
    { name: 'contact', description: 'Who the appointment is for: a name, email or phone', required: true, complete: 'contact' },
    { name: 'calendar', description: 'The calendar to book in', required: true, complete: 'calendar' },
    { name: 'when', description: 'When they would like it, e.g. "next Tuesday afternoon"' },
  ],
  async render(context) {
    const [contact, calendar, zone] = await Promise.all([
      context.contact('contact'),
      context.data.findNamed('calendar', context.args.calendar!).catch(() => undefined),
      timeZoneOf(context),
    ]);
    const contactId = contact?.id ?? '<contactId>';
    const calendarId = calendar?.id ?? '<calendarId>';
    const lines = [
      contact ? `Book an appointment for ${who(contact)}.` : `Book an appointment for "${context.args.contact}". ${lookUp(context.args.contact!)}`,
      calendar ? `Calendar: ${calendar.name} (calendarId ${calendar.id}); times are in ${zone.timeZone}.` : `No calendar is named "${context.args.calendar}": pick one from ghl://locations/<locationId>/calendars.`,
      numbered([
        `Find free times${context.args.when ? ` matching "${context.args.when}"` : ' in the coming week'}: ${call('calendars_get_free_slots', { calendarId, startDate: context.now, endDate: context.now + 7 * DAY_MS })} (epoch milliseconds, at most 31 days apart; move the window to fit the wish).`,
        'Offer me up to three slots and wait for my choice.',
        `Book it: ${call('calendars_create_appointment', { calendarId, contactId, startTime: '<the chosen slot, exactly as returned>' })}.`,
        `Tell me the booked time in ${zone.timeZone}.`,
      ]),
    ];
    const parts: PromptPart[] = [{ text: lines.join('\n') }];
    const locationId = await context.data.locationId();
    if (calendar && locationId) {
      const view = await context.data.view('calendar', { locationId, calendarId: calendar.id }).catch(() => undefined);
      if (view) parts.push({ uri: context.data.uri('calendar', { locationId, calendarId: calendar.id }), json: view });
    }
    return parts;
  },
};

const reviewPipeline: PromptDefinition = {
  name: 'review_pipeline',
  title: 'Review a pipeline',
  description: 'Sum up the open deals of a pipeline stage by stage, flag the stalled ones and propose next steps.',
  arguments: [{ name: 'pipeline', description: 'The pipeline to review', required: true, complete: 'pipeline' }],
  async render(context) {
    const pipeline = await context.data.findNamed('pipeline', context.args.pipeline!).catch(() => undefined);
    const locationId = await context.data.locationId();
    const view = pipeline && locationId ? await context.data.view('pipeline', { locationId, pipelineId: pipeline.id }).catch(() => undefined) : undefined;
    const stages: string[] = Array.isArray(view?.stages) ? view.stages.map((stage: { name: string }) => stage.name) : [];
    const pipelineId = pipeline?.id ?? '<pipelineId>';
    const text = [
      pipeline ? `Review the ${pipeline.name} pipeline (pipelineId ${pipeline.id})${stages.length ? `; its stages in order: ${stages.join(' → ')}` : ''}.` : `No pipeline is named "${context.args.pipeline}": pick one from ghl://locations/<locationId>/pipelines.`,
      numbered([
        `Fetch its open deals, every page: ${call('ghl_call_tool', { name: 'opportunities_search_opportunity', arguments: { pipeline_id: pipelineId, status: 'open', limit: 100 }, maxPages: 10 })}.`,
        'Per stage: how many deals and their total monetary value.',
        'Flag deals whose stage has not changed for over 14 days, and deals nobody is assigned to.',
        'Propose one next step for each of the five most valuable stalled deals. Change nothing until I say so.',
      ]),
    ].join('\n');
    const parts: PromptPart[] = [{ text }];
    if (view && locationId) parts.push({ uri: context.data.uri('pipeline', { locationId, pipelineId }), json: view });
    return parts;
  },
};

const todaysAgenda: PromptDefinition = {
  name: 'todays_agenda',
  title: "Today's agenda",
  description: "The day's appointments, open tasks and unanswered conversations, as a short agenda.",
  arguments: [
    { name: 'date', description: 'today (default), tomorrow, or a date YYYY-MM-DD', complete: ['today', 'tomorrow'] },
    { name: 'calendar', description: 'Only this calendar (default: every calendar)', complete: 'calendar' },
  ],
  async render(context) {
    const zone = await timeZoneOf(context);
    const date = resolveDate(context.args.date, zone.timeZone, context.now);
    if (!date) return [{ text: `"${context.args.date}" is not a date: use today, tomorrow or YYYY-MM-DD.` }];
    const { start, end } = dayWindow(date, zone.timeZone);
    const chosen = context.args.calendar ? await context.data.findNamed('calendar', context.args.calendar).catch(() => undefined) : undefined;
    const calendars = chosen ? [chosen] : await context.data.calendars().catch(() => []);
    const events = calendars.length
      ? calendars.map((calendar) => `${calendar.name}: ${call('calendars_get_calendar_events', { calendarId: calendar.id, startTime: start, endTime: end })}`).join('; ')
      : `${call('calendars_get_calendar_events', { calendarId: '<calendarId>', startTime: start, endTime: end })} for each calendar in ghl://locations/<locationId>/calendars`;
    return [{
      text: `Put together the agenda of ${zone.name ?? 'the location'} for ${date} (${zone.timeZone}; the day runs from ${start} to ${end} in epoch milliseconds).\n${numbered([
        `Appointments: ${events}.`,
        `Open tasks: ${call('locations_task_search', { completed: false, limit: 100 })}; keep those due on or before ${date}.`,
        `Conversations waiting for an answer: ${call('conversations_search_conversation', { sort: 'desc', limit: 20 })}; keep those with unread messages.`,
        'Give me a short agenda in time order: when, who, what for, and anything to prepare. Then the tasks and the people waiting for a reply.',
      ])}`,
    }];
  },
};

const chaseUnpaidInvoices: PromptDefinition = {
  name: 'chase_unpaid_invoices',
  title: 'Chase unpaid invoices',
  description: 'List the invoices past their due date and, one by one with your OK, send a reminder.',
  arguments: [
    { name: 'contact', description: 'Only this contact’s invoices (default: everyone’s)', complete: 'contact' },
    { name: 'channel', description: 'How to remind: Email (default) or SMS', complete: CHANNELS },
  ],
  async render(context) {
    const zone = await timeZoneOf(context);
    const today = resolveDate('today', zone.timeZone, context.now)!;
    const contact = context.args.contact ? await context.contact('contact') : undefined;
    const only = contact ? { contactId: contact.id } : {};
    const action = context.args.channel?.toLowerCase() === 'sms' ? 'sms' : 'email';
    const scope = contact ? ` of ${who(contact)}` : context.args.contact ? ` of "${context.args.contact}". ${lookUp(context.args.contact)}` : '';
    return [{
      text: `Chase the unpaid invoices${scope}${scope.endsWith('.') ? '' : '.'} Today is ${today} (${zone.timeZone}).\n${numbered([
        `List them: ${call('invoices_list_invoices', { status: 'sent', limit: '100', offset: '0', ...only })} and the same with status "partially_paid"; keep those whose dueDate is before ${today}.`,
        'Show me a table: invoice number, contact, amount due, due date, days overdue.',
        `For each, draft a short, polite ${action === 'sms' ? 'SMS' : 'email'} reminder and wait for my OK.`,
        `Send the ones I approve: ${call('invoices_send_invoice', { invoiceId: '<invoiceId>', userId: '<a user id from ghl://locations/<locationId>/users>', action, liveMode: true })}, then ${call('contacts_create_note', { contactId: '<the invoice contact>', body: 'Payment reminder sent for invoice <number>' })}.`,
      ])}`,
    }];
  },
};

export const PROMPTS: PromptDefinition[] = [followUpLead, bookAppointment, reviewPipeline, todaysAgenda, chaseUnpaidInvoices];

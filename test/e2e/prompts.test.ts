import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox, type SandboxSession } from '../helpers/sandbox.js';

type Message = { role: string; content: { type: string; text?: string; resource?: { uri: string; text: string } } };

const PROMPTS = ['follow_up_lead', 'book_appointment', 'review_pipeline', 'todays_agenda', 'chase_unpaid_invoices'];

describe('MCP prompts against the sandbox', () => {
  let session: SandboxSession;
  let toolNames: Set<string>;
  let locationId: string;

  const complete = async (prompt: string, argument: string, value: string) =>
    (await session.client.complete({ ref: { type: 'ref/prompt', name: prompt }, argument: { name: argument, value } })).completion.values;
  const render = async (name: string, args: Record<string, string>) => (await session.client.getPrompt({ name, arguments: args })).messages as Message[];
  const textOf = (messages: Message[]) => messages.map((message) => message.content.text ?? '').join('\n');
  const readResource = async (uri: string) => JSON.parse(((await session.client.readResource({ uri })).contents[0] as { text: string }).text);

  /** Every tool a rendered prompt tells the model to call exists on this server. */
  const expectKnownTools = (text: string) => {
    const named = [...text.matchAll(/\b([a-z]+(?:_[a-z0-9]+)+) \{/g)].map((match) => match[1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(toolNames, `${name} is not a tool`).toContain(name);
  };

  beforeAll(async () => {
    session = await connectSandbox();
    toolNames = new Set((await session.client.listTools()).tools.map((tool) => tool.name));
    locationId = (await readResource('ghl://locations')).locations[0].id;
  });
  afterAll(() => session?.close());

  it('offers the everyday prompts with their arguments', async () => {
    expect(session.client.getServerCapabilities()).toMatchObject({ prompts: {}, completions: {} });
    const { prompts } = await session.client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(PROMPTS);
    const follow = prompts.find((prompt) => prompt.name === 'follow_up_lead')!;
    expect(follow.arguments).toContainEqual(expect.objectContaining({ name: 'contact', required: true }));
  });

  it('completes contacts, pipelines and calendars from the location, and fixed choices', async () => {
    const contacts = await complete('follow_up_lead', 'contact', 'Mat');
    expect(contacts.length).toBeGreaterThan(0);
    expect(contacts[0]).toMatch(/^Mat\S* \S+ <[^>]+>$/);
    expect(await complete('review_pipeline', 'pipeline', 'invis')).toEqual(['Invisalign']);
    const calendars = (await readResource(`ghl://locations/${locationId}/calendars`)).calendars.map((calendar: { name: string }) => calendar.name);
    expect(await complete('book_appointment', 'calendar', '')).toEqual(calendars);
    expect(await complete('follow_up_lead', 'channel', 'e')).toEqual(['Email']);
    expect(await complete('follow_up_lead', 'goal', 'x')).toEqual([]);
  });

  it('follow_up_lead: the completed contact, found again by name and email, with the calls to make', async () => {
    const [label] = await complete('follow_up_lead', 'contact', 'Emma');
    const email = /<([^>]+)>/.exec(label!)![1]!;
    const { contacts } = await session.call('contacts_search_contacts_advanced', { query: email, pageLimit: 1 });
    const text = textOf(await render('follow_up_lead', { contact: label!, channel: 'Email', goal: 'book a cleaning' }));
    expect(text).toContain(`contactId ${contacts[0].id}`);
    expect(text).toContain('"type":"Email"');
    expect(text).toContain('book a cleaning');
    expectKnownTools(text);
  });

  it('book_appointment: the calendar by completed name, its details embedded as the ghl:// resource', async () => {
    const [contact] = await complete('book_appointment', 'contact', 'Henry');
    const [calendarName] = await complete('book_appointment', 'calendar', 'clean');
    const calendars = (await readResource(`ghl://locations/${locationId}/calendars`)).calendars;
    const calendar = calendars.find((item: { name: string }) => item.name === calendarName);
    const messages = await render('book_appointment', { contact: contact!, calendar: calendarName! });
    const text = textOf(messages);
    expect(text).toContain(`"calendarId":"${calendar.id}"`);
    expect(text).toContain('America/Chicago');
    const embedded = messages.find((message) => message.content.type === 'resource')!.content.resource!;
    expect(embedded.uri).toBe(`ghl://locations/${locationId}/calendars/${calendar.id}`);
    expect(JSON.parse(embedded.text)).toEqual(await readResource(embedded.uri));
    expectKnownTools(text);
  });

  it('review_pipeline: the stages in order and a paging call for the open deals', async () => {
    const [name] = await complete('review_pipeline', 'pipeline', 'new');
    const pipelines = (await readResource(`ghl://locations/${locationId}/pipelines`)).pipelines;
    const pipeline = pipelines.find((item: { name: string }) => item.name === name);
    const text = textOf(await render('review_pipeline', { pipeline: name! }));
    expect(text).toContain(pipeline.stages.map((stage: { name: string }) => stage.name).join(' → '));
    expect(text).toContain(`"pipeline_id":"${pipeline.id}"`);
    expectKnownTools(text);
  });

  it("todays_agenda: the location's day in its own time zone, one events call per calendar", async () => {
    const [calendarName] = await complete('todays_agenda', 'calendar', 'invis');
    const text = textOf(await render('todays_agenda', { date: '2025-03-09', calendar: calendarName! }));
    // 2025-03-09 is the spring-forward day in Chicago: midnight CST (-6) to midnight CDT (-5), 23 hours.
    expect(text).toContain(`"startTime":${Date.parse('2025-03-09T06:00:00Z')},"endTime":${Date.parse('2025-03-10T05:00:00Z') - 1}`);
    expect(text.match(/calendars_get_calendar_events/g)).toHaveLength(1);
    expectKnownTools(text);
    expect(textOf(await render('todays_agenda', { date: 'someday' }))).toMatch(/not a date/);
  });

  it('chase_unpaid_invoices: one contact or everyone, by the chosen channel', async () => {
    const [label] = await complete('chase_unpaid_invoices', 'contact', 'Aria');
    const everyone = textOf(await render('chase_unpaid_invoices', {}));
    expect(everyone).toContain('invoices_list_invoices {"status":"sent","limit":"100","offset":"0"}');
    expect(everyone).toContain('"action":"email"');
    const { contacts } = await session.call('contacts_search_contacts_advanced', { query: /<([^>]+)>/.exec(label!)![1], pageLimit: 1 });
    const one = textOf(await render('chase_unpaid_invoices', { contact: label!, channel: 'SMS' }));
    expect(one).toContain(`invoices_list_invoices {"status":"sent","limit":"100","offset":"0","contactId":"${contacts[0].id}"}`);
    expect(one).toContain('"action":"sms"');
    expectKnownTools(one);
  });

  it('says what to do when a name matches nothing, and refuses a prompt without its required arguments', async () => {
    const text = textOf(await render('follow_up_lead', { contact: 'Nobody Byth1sname' }));
    expect(text).toMatch(/No contact matched "Nobody Byth1sname"/);
    await expect(session.client.getPrompt({ name: 'review_pipeline', arguments: {} })).rejects.toThrow(/needs pipeline/);
    await expect(session.client.getPrompt({ name: 'no_such_prompt' })).rejects.toThrow(/Unknown prompt/);
  });

  it('still completes resource template variables', async () => {
    const { completion } = await session.client.complete({
      ref: { type: 'ref/resource', uri: 'ghl://locations/{locationId}/pipelines/{pipelineId}' },
      argument: { name: 'pipelineId', value: 'invis' },
    });
    expect(completion.values).toHaveLength(1);
  });
});

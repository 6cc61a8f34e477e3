// Bytes per record of a tool result, for contacts, opportunities, conversations and appointments: GHL's body as
// sent (verbatim), the compact text an agent reads now, and what went on the wire before (the whole body as text
// plus the same body again as structuredContent). Two sets of records, each through the built server over stdio:
//   sandbox: the --sandbox demo location's records as its fake GHL answers them;
//   documented: the same records carrying every field of the documents' response schema, the ones the record
//     lacks present and unset (null, [] or {} by their documented type), served by the tests' fake GHL.
// Usage: npm run build && node bench/result-bytes.mjs
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { register } from 'tsx/esm/api';
import { CLI } from './lib.mjs';

register();
const { FakeGhl } = await import('../src/sandbox/fake-ghl.ts');

const TOKEN = 'pit-bench-result-bytes';
const LOCATION = 'benchLocation00000001';
const PAGE = 20;

// The documents' response fields per record (names and kinds only: s scalar, a array, o object), from the
// schemas GetContectByIdSchema + ContactsSearchSchema, SearchOpportunitiesResponseSchema, ConversationSchema and
// CalendarEventDTO.
const DOCUMENTED = {
  contacts: {
    s: 'id name locationId firstName lastName email emailLowerCase timezone companyName phone dnd type source assignedTo address1 city state country postalCode website dateOfBirth dateAdded dateUpdated attachments ssn keyword firstNameLowerCase fullNameLowerCase lastNameLowerCase lastActivity businessId visitorId',
    a: 'tags customFields attributions followers',
    o: 'dndSettings attributionSource lastAttributionSource',
  },
  opportunities: {
    s: 'id name monetaryValue pipelineId pipelineStageId assignedTo status source lastStatusChangeAt lastStageChangeAt lastActionDate indexVersion createdAt updatedAt contactId locationId lostReasonId externalObjectId',
    a: 'notes tasks calendarEvents customFields followers',
    o: 'contact',
  },
  conversations: { s: 'id contactId locationId lastMessageBody lastMessageType type unreadCount fullName contactName email phone', a: '', o: '' },
  events: {
    s: 'id address title calendarId locationId contactId groupId appointmentStatus assignedUserId notes description isRecurring rrule startTime endTime dateAdded dateUpdated masterEventId',
    a: 'users assignedResources',
    o: 'createdBy',
  },
};

/** Each record kind: the tool an agent calls, its arguments, and the route a fake GHL answers it on. */
const KINDS = [
  { kind: 'contacts', list: 'contacts', tool: 'contacts_get_contacts', args: () => ({ limit: PAGE }), route: ['GET', '/contacts/'] },
  { kind: 'opportunities', list: 'opportunities', tool: 'opportunities_search_opportunity', args: () => ({ limit: PAGE }), route: ['GET', '/opportunities/search'] },
  { kind: 'conversations', list: 'conversations', tool: 'conversations_search_conversation', args: () => ({ limit: PAGE }), route: ['GET', '/conversations/search'] },
  {
    kind: 'appointments',
    list: 'events',
    tool: 'calendars_get_calendar_events',
    // The documents type these epoch milliseconds as strings: sent so, no argument needs converting.
    args: (calendarId) => ({ calendarId, startTime: String(Date.now() - 60 * 86_400_000), endTime: String(Date.now() + 60 * 86_400_000) }),
    route: ['GET', '/calendars/events'],
  },
];

async function startServer(args, env = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--toolsets', 'all', ...args],
    env: { PATH: process.env.PATH ?? '', GHL_LOG_LEVEL: 'error', GHL_SELF_UPDATE: 'off', GHL_NO_OVERRIDES: 'true', ...env },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const bytes = (value) => Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
const textOf = (result) => result.content.map((block) => block.text).join('\n');
const jsonOf = (result) => {
  const text = result.content[0].text;
  return text.slice(text.indexOf('\n') + 1);
};

async function callOk(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${textOf(result)}`);
  return result;
}

/** One page of a kind through one server: GHL's body, the compact result, and the old wire form of the body. */
async function measure(client, { kind, list, tool, args }, calendarId) {
  const compact = await callOk(client, tool, args(calendarId));
  const verbatim = await callOk(client, 'ghl_call_tool', { name: tool, arguments: args(calendarId), verbatim: true });
  const body = jsonOf(verbatim);
  const parsed = JSON.parse(body);
  const records = parsed[list].length;
  // Before: the text was GHL's body, and structuredContent repeated it parsed.
  const before = { content: [{ type: 'text', text: body }], structuredContent: parsed };
  const per = (value) => Math.round(value / records);
  const sizes = {
    verbatimBody: bytes(body),
    compactText: bytes(textOf(compact)),
    compactWire: bytes(compact),
    beforeWire: bytes(before),
  };
  return {
    kind,
    records,
    bytesPerRecord: Object.fromEntries(Object.entries(sizes).map(([name, value]) => [name, per(value)])),
    ratios: {
      compactTextToVerbatimBody: round(sizes.compactText / sizes.verbatimBody),
      compactWireToBeforeWire: round(sizes.compactWire / sizes.beforeWire),
    },
    body: parsed,
  };
}

/** A record with every documented field: the ones it lacks are present and unset, by their documented kind. */
function documented(record, fields) {
  const full = { ...record };
  const unset = { s: null, a: [], o: {} };
  for (const [kindOfField, names] of Object.entries(fields)) {
    for (const name of names.split(' ').filter(Boolean)) if (!(name in full)) full[name] = structuredClone(unset[kindOfField]);
  }
  return full;
}

const sandbox = await startServer(['--sandbox']);
const calendars = JSON.parse(jsonOf(await callOk(sandbox, 'calendars_get_calendars', {}))).calendars;
const calendarId = calendars[0].id;
const fromSandbox = [];
for (const kind of KINDS) fromSandbox.push(await measure(sandbox, kind, calendarId));
await sandbox.close();

// The same pages, each record carrying the documents' whole response shape.
const fake = new FakeGhl({ tokens: [TOKEN] });
for (const [index, kind] of KINDS.entries()) {
  const page = fromSandbox[index].body;
  const fields = DOCUMENTED[kind.list];
  const body = { ...page, [kind.list]: page[kind.list].map((record) => documented(record, fields)) };
  fake.route(kind.route[0], kind.route[1], () => ({ status: 200, body }));
}
const url = await fake.listen();
const shaped = await startServer([], { GHL_API_KEY: TOKEN, GHL_BASE_URL: url, GHL_LOCATION_ID: LOCATION });
const fromDocuments = [];
for (const kind of KINDS) fromDocuments.push(await measure(shaped, kind, calendarId));
await shaped.close();
await fake.close();

const report = (measured) => Object.fromEntries(measured.map(({ kind, body: _body, ...rest }) => [kind, rest]));
const overall = (measured) => {
  const sum = (name) => measured.reduce((total, item) => total + item.bytesPerRecord[name] * item.records, 0);
  return {
    compactTextToVerbatimBody: round(sum('compactText') / sum('verbatimBody')),
    compactWireToBeforeWire: round(sum('compactWire') / sum('beforeWire')),
  };
};
const result = {
  bench: 'result-bytes',
  pageSize: PAGE,
  sandbox: { records: report(fromSandbox), overall: overall(fromSandbox) },
  documented: { records: report(fromDocuments), overall: overall(fromDocuments) },
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');

function round(value) {
  return Math.round(value * 1000) / 1000;
}

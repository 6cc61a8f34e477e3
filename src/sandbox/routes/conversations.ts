import { badRequest, created, GhlError, notFound, ok } from '../http.js';
import { numberParam } from '../paging.js';
import { matchesText } from '../text.js';
import type { SandboxRouter } from '../router.js';
import type { Doc, SandboxStore } from '../state.js';
import { validate } from '../validate.js';

const SEND_TYPES = ['SMS', 'RCS', 'Email', 'WhatsApp', 'IG', 'FB', 'Custom', 'Live_Chat', 'TIKTOK'] as const;
/** GHL's numeric message types next to their names. */
export const MESSAGE_TYPES = { SMS: [2, 'TYPE_SMS'], Email: [3, 'TYPE_EMAIL'] } as const;

/** Conversations (one per contact), their messages newest first, and sending SMS and email. */
export function conversationRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const conversations = store.collection('conversations');
  const messages = store.collection('messages');
  const contacts = store.collection('contacts');

  /** A conversation as search answers it: with its contact's name, email and phone, read fresh. */
  const view = (conversation: Doc): Doc => {
    const contact = contacts.get(conversation.contactId) ?? {};
    return { ...conversation, fullName: contact.contactName, contactName: contact.contactName, email: contact.email, phone: contact.phone };
  };
  const find = (id: string) => {
    const conversation = conversations.get(id);
    if (!conversation) throw notFound('Conversation not found');
    return conversation;
  };

  router
    .on('GET /conversations/search', ({ query }) => {
      const limit = numberParam(query, 'limit', 20, 100);
      const equals = (field: string) => (record: Doc) => !query.get(field) || record[field] === query.get(field);
      const status = query.get('status') ?? 'all';
      const checks = [
        equals('contactId'),
        equals('assignedTo'),
        equals('id'),
        equals('lastMessageType'),
        equals('lastMessageDirection'),
        (record: Doc) => status !== 'unread' || record.unreadCount > 0,
        (record: Doc) => status !== 'read' || record.unreadCount === 0,
        (record: Doc) => status !== 'starred' || record.starred === true,
        (record: Doc) => matchesText(record, query.get('query'), ['contactName', 'email', 'phone', 'lastMessageBody']),
      ];
      const ascending = query.get('sort') === 'asc';
      const matching = conversations
        .all()
        .map(view)
        .filter((record) => checks.every((check) => check(record)))
        .sort((a, b) => (a.lastMessageDate - b.lastMessageDate) * (ascending ? 1 : -1));
      const after = query.get('startAfterDate');
      const rest = after ? matching.filter((record) => (ascending ? record.lastMessageDate > Number(after) : record.lastMessageDate < Number(after))) : matching;
      return ok({ conversations: rest.slice(0, limit), total: matching.length });
    })
    .on('GET /conversations/{conversationId}', ({ params }) => ok(view(find(params.conversationId!))))
    .on('POST /conversations/', ({ body }) => {
      validate(body, { locationId: ['required', 'string'], contactId: ['required', 'string'] });
      if (!contacts.get(String(body.contactId))) throw notFound('Contact not found');
      const existing = conversations.find((item) => item.contactId === body.contactId);
      if (existing) throw badRequest('Conversation already exists', { conversationId: existing.id });
      return created({ success: true, conversation: openConversation(store, locationId, String(body.contactId)) });
    })
    .on('PUT /conversations/{conversationId}', ({ params, body }) => {
      const conversation = find(params.conversationId!);
      validate(body, { unreadCount: ['number'], starred: ['boolean'] });
      if (body.unreadCount !== undefined) conversation.unreadCount = body.unreadCount;
      if (body.starred !== undefined) conversation.starred = body.starred;
      conversation.dateUpdated = store.now();
      return ok({ success: true, conversation });
    })
    .on('DELETE /conversations/{conversationId}', ({ params }) => {
      const conversation = find(params.conversationId!);
      conversations.remove(conversation.id);
      for (const message of messages.filter((item) => item.conversationId === conversation.id)) messages.remove(message.id);
      return ok({ success: true });
    })
    .on('GET /conversations/{conversationId}/messages', ({ params, query }) => {
      const conversation = find(params.conversationId!);
      const limit = numberParam(query, 'limit', 20, 100);
      const types = query.get('type')?.split(',').filter(Boolean);
      const thread = messages
        .filter((message) => message.conversationId === conversation.id && (!types || types.includes(message.messageType)))
        .sort((a, b) => Date.parse(b.dateAdded) - Date.parse(a.dateAdded));
      const afterId = query.get('lastMessageId');
      const start = afterId ? thread.findIndex((message) => message.id === afterId) + 1 : 0;
      if (afterId && start === 0) throw notFound('Message not found');
      const page = thread.slice(start, start + limit);
      // The live answer wraps the page (doc-errata.md: the document's flat shape is a reverted fix).
      return ok({ messages: { lastMessageId: page.at(-1)?.id ?? null, nextPage: start + limit < thread.length, messages: page } });
    })
    .on('GET /conversations/messages/{id}', ({ params }) => {
      const message = messages.get(params.id!);
      if (!message) throw notFound('Message not found');
      return ok(message);
    })
    .on('POST /conversations/messages', ({ body }) => {
      validate(body, { type: ['required', SEND_TYPES], contactId: ['required', 'string'], message: ['string'], html: ['string'], subject: ['string'], scheduledTimestamp: ['number'] });
      const type = body.type as (typeof SEND_TYPES)[number];
      if (type !== 'SMS' && type !== 'Email') {
        throw new GhlError(501, { statusCode: 501, message: `Sending ${type} messages is not modelled in the sandbox; SMS and Email are.`, error: 'Not Implemented' });
      }
      const contact = contacts.get(String(body.contactId));
      if (!contact) throw notFound('Contact not found');
      checkReachable(contact, type, body);
      const conversation = conversations.find((item) => item.contactId === contact.id) ?? openConversation(store, locationId, contact.id);
      const message = recordMessage(store, conversation, {
        type,
        direction: 'outbound',
        // An email's body is its html: GHL does not send message as the body of an email (doc-errata.md).
        body: type === 'Email' ? stripTags(String(body.html ?? '')) : String(body.message ?? ''),
        status: body.scheduledTimestamp ? 'scheduled' : 'delivered',
        subject: body.subject as string | undefined,
        html: body.html as string | undefined,
      });
      const answer: Doc = { conversationId: conversation.id, messageId: message.id, msg: 'Message queued successfully.', status: message.status };
      if (type === 'Email') answer.emailMessageId = message.meta.email.messageIds[0];
      return ok(answer);
    });
}

/** Refuses what GHL refuses: no phone or email to reach, or do-not-disturb on the channel. */
function checkReachable(contact: Doc, type: 'SMS' | 'Email', body: Record<string, unknown>): void {
  if (type === 'SMS') {
    if (!body.message && !(body.attachments as unknown[] | undefined)?.length) validate(body, { message: ['required'] });
    if (!contact.phone) throw badRequest('Contact does not have a phone number.');
  } else {
    if (!body.html && !body.message) validate(body, { html: ['required'] });
    if (!contact.email && !body.emailTo) throw badRequest('Contact does not have an email address.');
  }
  if (contact.dnd === true || contact.dndSettings?.[type]?.status === 'active') {
    throw badRequest(`Cannot send message as DND is active for ${type === 'SMS' ? 'SMS' : 'Email'}.`);
  }
}

export function openConversation(store: SandboxStore, locationId: string, contactId: string, at = store.now()): Doc {
  return store.collection('conversations').insert({
    id: store.id(),
    locationId,
    contactId,
    type: 'TYPE_PHONE',
    unreadCount: 0,
    inbox: true,
    starred: false,
    deleted: false,
    dateAdded: at,
    dateUpdated: at,
    lastMessageDate: at,
  });
}

export interface NewMessage {
  type: keyof typeof MESSAGE_TYPES;
  direction: 'inbound' | 'outbound';
  body: string;
  status: string;
  subject?: string;
  html?: string;
  at?: number;
}

/** Adds a message to a conversation and moves the conversation's "last message" to it. */
export function recordMessage(store: SandboxStore, conversation: Doc, input: NewMessage): Doc {
  const at = input.at ?? store.now();
  const [code, name] = MESSAGE_TYPES[input.type];
  const message: Doc = {
    id: store.id(),
    type: code,
    messageType: name,
    locationId: conversation.locationId,
    contactId: conversation.contactId,
    conversationId: conversation.id,
    dateAdded: store.iso(at),
    body: input.body,
    direction: input.direction,
    status: input.status,
    contentType: input.type === 'Email' ? 'text/html' : 'text/plain',
    source: 'api',
    attachments: [],
    meta: input.type === 'Email' ? { email: { messageIds: [store.id()], subject: input.subject ?? '' } } : {},
  };
  store.collection('messages').insert(message);
  Object.assign(conversation, {
    lastMessageBody: input.body,
    lastMessageType: name,
    lastMessageDirection: input.direction,
    lastMessageDate: at,
    dateUpdated: at,
    unreadCount: input.direction === 'inbound' ? conversation.unreadCount + 1 : conversation.unreadCount,
  });
  return message;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

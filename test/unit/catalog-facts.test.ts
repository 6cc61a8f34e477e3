import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../src/catalog/documents.js';
import { idNoun, returnedRecords, returnsShape, singularNoun } from '../../src/catalog/responses.js';
import { SchemaCompactor } from '../../src/catalog/schema.js';
import { shareExamples } from '../../src/catalog/shared-facts.js';
import type { ToolEntry } from '../../src/catalog/types.js';
import { zodFromSchema } from '../../src/catalog/zod.js';

const doc: OpenApiDocument = { paths: {} };
const compactor = new SchemaCompactor({ modules: new Map(), common: doc });
const fact = (schema: Record<string, unknown>, name?: string, description?: string) => compactor.compact(schema, doc, { name, description });

describe('facts kept from the documents (never their prose)', () => {
  it('reads timestamps: 13 digits are epoch ms, 10 digits epoch seconds for a time, unit words without an example', () => {
    expect(fact({ type: 'number', example: 1548898600000 }, 'startDate')).toEqual({ type: 'number', format: 'epoch-ms', examples: [1548898600000] });
    expect(fact({ type: 'string', example: '1680373800000' }, 'startTime').format).toBe('epoch-ms');
    expect(fact({ type: 'integer', example: 1700000000 }, 'scheduledTimestamp').format).toBe('epoch-s');
    expect(fact({ type: 'number' }, 'startAfter', 'Start date filter (Unix timestamp in milliseconds)').format).toBe('epoch-ms');
    expect(fact({ type: 'number' }, 'sentAt', 'UTC Timestamp (in seconds) at which the message is sent').format).toBe('epoch-s');
    // A 10-digit number that is not a time, a duration in seconds and a digit string for an ID are not timestamps.
    expect(fact({ type: 'number', example: 4155550123 }, 'phoneNumber').format).toBeUndefined();
    expect(fact({ type: 'number' }, 'callDuration', 'Call duration in seconds').format).toBeUndefined();
    expect(fact({ type: 'string', example: '1680373800000' }, 'orderNumber').format).toBeUndefined();
  });

  it('derives standard formats from examples and names, and never from prose alone for other fields', () => {
    expect(fact({ type: 'string', example: '2026-12-01T09:30:00-06:00' }, 'startTime').format).toBe('date-time');
    expect(fact({ type: 'string', example: '2023-01-14' }, 'dueDate').format).toBe('date');
    expect(fact({ type: 'string', example: 'ada@example.com' }, 'email').format).toBe('email');
    expect(fact({ type: 'string', example: 'ada@example.com' }, 'name').format).toBeUndefined();
    expect(fact({ type: 'string' }, 'dateFrom', 'Date start from (ISO 8601)').format).toBe('date-time');
  });

  it('keeps a short example only when it is a valid value, and cuts long free text at a word', () => {
    expect(fact({ type: 'string', pattern: '^[A-Z]{3}$', example: 'usd' }, 'currency').examples).toBeUndefined();
    expect(fact({ type: 'number', minimum: 1, example: 0 }, 'qty').examples).toBeUndefined();
    expect(fact({ type: 'string', enum: ['a', 'b'], example: 'a' }, 'kind').examples).toBeUndefined();
    expect(fact({ type: 'string', example: 'a3kx9Qw0aa3kx9Qw0aa3kx9Qw0aa3kx9Qw0aa3kx9Qw0a' }, 'token').examples).toBeUndefined();
    expect(fact({ type: 'string', example: 'Thank you for booking with us, we will see you soon at the clinic' }, 'message').examples).toEqual([
      'Thank you for booking with us, we will…',
    ]);
    expect(fact({ type: 'array', items: { type: 'string' }, example: ['vip', 'new'] }, 'tags').examples).toEqual([['vip', 'new']]);
  });

  it('turns limits and defaults stated in words into hint keywords that never validate', () => {
    const limit = fact({ type: 'number' }, 'limit', 'Limit per page, will allow maximum up to 100 and default will be 20');
    expect(limit).toMatchObject({ 'x-maximum': 100, default: 20 });
    expect(limit.maximum).toBeUndefined();
    expect(zodFromSchema(limit).safeParse(500).success).toBe(true);
    expect(fact({ type: 'number', example: 1548898600000 }, 'startDate', 'Start Date (Date range cannot be more than 31 days)')['x-range-days']).toBe(31);
    expect(fact({ type: 'boolean' }, 'dryRun', 'Only check the input. Defaults to false')).toMatchObject({ default: false });
    expect(fact({ type: 'number' }, 'waitTime', 'Wait time (max 5 for minutes, 300 for seconds)')['x-maximum']).toBeUndefined();
    expect(fact({ type: 'string' }, 'meetingLocation', 'Deprecated! Use locationConfigurations instead').deprecated).toBe(true);
  });

  it('reads what list items are from the words of the list', () => {
    const list = fact({ type: 'array', items: { type: 'string' } }, 'attachments', 'Array of attachment URLs');
    expect(list.items).toEqual({ type: 'string', format: 'uri' });
    expect(fact({ type: 'string' }, 'imageUrl', 'Public URL of the image').format).toBe('uri');
    expect(fact({ type: 'string' }, 'name', 'Name shown next to the URL').format).toBeUndefined();
  });

  it('shares a body field\'s example within a module, never an ID\'s or a query filter\'s', () => {
    const tool = (name: string, args: ToolEntry['args']): ToolEntry => ({ name, operationId: name, method: 'POST', path: `/${name}`, summary: name, args });
    const create = tool('create', [
      { name: 'termsNotes', in: 'body', schema: { type: 'string', examples: ['Net 30'] } },
      { name: 'contactId', in: 'body', schema: { type: 'string', examples: ['abc123'] } },
      { name: 'query', in: 'query', schema: { type: 'string', examples: ['dentist'] } },
      { name: 'when', in: 'body', schema: { type: 'string', format: 'date', examples: ['2026-01-01'] } },
    ]);
    const template = tool('template', [
      { name: 'termsNotes', in: 'body', schema: { type: 'string' } },
      { name: 'contactId', in: 'body', schema: { type: 'string' } },
      { name: 'query', in: 'query', schema: { type: 'string' } },
      { name: 'when', in: 'body', schema: { type: 'string', format: 'epoch-ms' } },
    ]);
    shareExamples([create, template]);
    expect(template.args.map((arg) => arg.schema.examples)).toEqual([['Net 30'], undefined, undefined, undefined]);
  });

  it('carries facts through $ref and allOf wrappers, the property\'s own words first', () => {
    const wrapped = compactor.compact(
      { type: 'object', properties: { endTime: { allOf: [{ type: 'number' }], description: 'End Time (in millis)' } } },
      doc,
    );
    expect((wrapped.properties as Record<string, { format?: string }>).endTime!.format).toBe('epoch-ms');
  });
});

describe('what a response hands out', () => {
  it('names the records whose IDs an answer carries and the shape of the answer', () => {
    const calendars = { type: 'object', properties: { calendars: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } }, traceId: { type: 'string' } } };
    expect(returnedRecords(calendars, '/calendars/')).toEqual([{ noun: 'calendar', list: true }]);
    expect(returnsShape(calendars)).toBe('calendars[].id');
    const created = { type: 'object', properties: { contact: { type: 'object', properties: { id: { type: 'string' } } }, success: { type: 'boolean' } } };
    expect(returnedRecords(created, '/contacts/')).toEqual([{ noun: 'contact', list: false }]);
    expect(returnsShape(created)).toBe('contact.id');
    expect(returnedRecords({ type: 'object', properties: { data: { type: 'array', items: { type: 'object', properties: { _id: {} } } } } }, '/invoices/schedule')).toEqual([
      { noun: 'schedule', list: true },
    ]);
  });

  it('reads which record an ID argument refers to', () => {
    expect(idNoun('calendarId')).toBe('calendar');
    expect(idNoun('contactIds')).toBe('contact');
    expect(idNoun('pipelineStageId')).toBe('pipelineStage');
    expect(idNoun('id', '/locations/{locationId}/customFields/{id}')).toBe('customField');
    expect(idNoun('name')).toBeUndefined();
    expect(singularNoun('opportunities')).toBe('opportunity');
    expect(singularNoun('custom-fields')).toBe('customField');
  });
});

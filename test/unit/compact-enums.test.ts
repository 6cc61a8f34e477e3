import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../src/catalog/documents.js';
import { SchemaCompactor } from '../../src/catalog/schema.js';
import { zodFromSchema } from '../../src/catalog/zod.js';

const doc: OpenApiDocument = { paths: {} };
const compactor = new SchemaCompactor({ modules: new Map(), common: doc });

describe('enums as the documents write them', () => {
  it('reads an enum written as one nested list (store.json country codes) as its items, typed by them', () => {
    const schema = compactor.compact({ type: 'number', description: 'Country code', enum: [['US', 'CA', 'FR']] }, doc);
    expect(schema).toEqual({ type: 'string', enum: ['US', 'CA', 'FR'] });
    const validator = zodFromSchema(schema);
    expect(validator.safeParse('CA').success).toBe(true);
    expect(validator.safeParse('XX').success).toBe(false);
    expect(validator.safeParse(1).success).toBe(false);
  });

  it('keeps the declared type when the values fit it, and leaves untyped and mixed enums alone', () => {
    expect(compactor.compact({ type: 'integer', enum: [1, 2] }, doc)).toEqual({ type: 'integer', enum: [1, 2] });
    expect(compactor.compact({ type: 'string', nullable: true, enum: ['a', null] }, doc)).toEqual({ type: ['string', 'null'], enum: ['a', null] });
    expect(compactor.compact({ enum: ['a', 'b'] }, doc)).toEqual({ enum: ['a', 'b'] });
    expect(compactor.compact({ type: 'string', enum: ['a', 1] }, doc)).toEqual({ type: 'string', enum: ['a', 1] });
  });
});

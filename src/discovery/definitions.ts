import { z } from 'zod';
import { listedAnnotations, type ToolDefinition } from '../catalog/catalog.js';

export const SEARCH_TOOLS = 'ghl_search_tools';
export const DESCRIBE_TOOL = 'ghl_describe_tool';
export const CALL_TOOL = 'ghl_call_tool';
export const ENABLE_TOOLSET = 'ghl_enable_toolset';
export const DISCOVERY_TOOL_NAMES = [SEARCH_TOOLS, DESCRIBE_TOOL, CALL_TOOL, ENABLE_TOOLSET] as const;

export const MAX_PAGES = 50;
export const MAX_ITEMS = 10_000;
/** When only maxItems is given, pages are followed up to this many. */
export const DEFAULT_MAX_PAGES = 10;
export const DEFAULT_MAX_ITEMS = 1_000;

/** Validators of the discovery tools' own arguments (the listed JSON schemas below say the same). */
export const INPUTS = {
  [SEARCH_TOOLS]: z.strictObject({
    query: z.string().min(1),
    toolset: z.string().optional(),
    limit: z.number().int().min(1).max(25).optional(),
  }),
  [DESCRIBE_TOOL]: z.strictObject({ name: z.string().min(1) }),
  [CALL_TOOL]: z.strictObject({
    name: z.string().min(1),
    // Some clients send nested arguments as a JSON string; an object in a string is taken as the object.
    arguments: z.preprocess(parseObjectText, z.record(z.string(), z.unknown())).optional(),
    maxPages: z.number().int().min(1).max(MAX_PAGES).optional(),
    maxItems: z.number().int().min(1).max(MAX_ITEMS).optional(),
    verbatim: z.boolean().optional(),
  }),
  [ENABLE_TOOLSET]: z.strictObject({ toolset: z.string().min(1) }),
};

function parseObjectText(value: unknown): unknown {
  if (typeof value !== 'string' || !value.trim().startsWith('{')) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const str = (description?: string) => (description ? { type: 'string', description } : { type: 'string' });
const int = (minimum: number, maximum: number, description: string) => ({ type: 'integer', minimum, maximum, description });

const DEFINITIONS: ToolDefinition[] = [
  {
    name: SEARCH_TOOLS,
    description:
      'Find GoHighLevel API tools for a task in plain words ("book an appointment", "void an invoice"). Searches every ' +
      'operation, also those not in your tool list. Returns names, what they do and their arguments; call one with ghl_call_tool.',
    inputSchema: {
      type: 'object',
      properties: {
        query: str(),
        toolset: str('Only this toolset (the first part of tool names, e.g. invoices).'),
        limit: int(1, 25, 'Default 8.'),
      },
      required: ['query'],
    },
    annotations: listedAnnotations({ title: 'Search GHL tools', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }),
  },
  {
    name: DESCRIBE_TOOL,
    description:
      'Everything about one GoHighLevel tool, by name: what it does and returns, method, path, scopes, and its full input schema with a hint per field (format, example, where IDs come from).',
    inputSchema: { type: 'object', properties: { name: str() }, required: ['name'] },
    annotations: listedAnnotations({ title: 'Describe a GHL tool', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }),
  },
  {
    name: CALL_TOOL,
    description:
      'Call any GoHighLevel tool by name; arguments are validated against that tool\'s schema. For list/search tools, ' +
      'maxPages or maxItems follows the pages and returns them merged, with _paging.next to continue.',
    inputSchema: {
      type: 'object',
      properties: {
        name: str(),
        // Text, not an object: strict providers (OpenAI strict mode, Gemini) cannot take a free-form object.
        arguments: str('JSON object text, e.g. {"contactId":"abc"}'),
        maxPages: int(1, MAX_PAGES, `Follow up to this many pages (default 1; ${DEFAULT_MAX_PAGES} when only maxItems is set).`),
        maxItems: int(1, MAX_ITEMS, `Stop after the page that reaches this many items (default ${DEFAULT_MAX_ITEMS}).`),
        verbatim: { type: 'boolean', description: 'true: GHL\'s body as sent (results otherwise leave out empty fields and lowercase copies).' },
      },
      required: ['name'],
    },
    annotations: listedAnnotations({ title: 'Call a GHL tool', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }),
  },
  {
    name: ENABLE_TOOLSET,
    description:
      'Add a toolset to your tool list for this session: a module (first part of tool names: invoices, payments, ' +
      'social_media_posting…), default or all. If your client does not refresh its list, use ghl_call_tool.',
    inputSchema: { type: 'object', properties: { toolset: str() }, required: ['toolset'] },
    annotations: listedAnnotations({ title: 'Enable a GHL toolset', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }),
  },
];

export function discoveryDefinitions(): readonly ToolDefinition[] {
  return DEFINITIONS;
}

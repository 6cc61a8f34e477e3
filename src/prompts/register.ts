import { type CompleteRequestParams, type CompleteResult, type GetPromptResult, ProtocolError, ProtocolErrorCode, type Server } from '@modelcontextprotocol/server';
import { scrubSecrets } from '../logger.js';
import { RESOURCE_MIME_TYPE } from '../resources/registry.js';
import { PROMPTS } from './everyday.js';
import type { LocationData } from './location-data.js';
import type { ArgumentSource, PromptDefinition, PromptPart } from './types.js';

type Completion = CompleteResult['completion'];

export interface PromptDeps {
  data: LocationData;
  secrets: () => readonly string[];
  /** Completion of the resources' template variables: this server answers completion/complete for both. */
  completeResource: (params: CompleteRequestParams) => Promise<Completion>;
}

const byName = new Map(PROMPTS.map((prompt) => [prompt.name, prompt]));

/** Serves the everyday prompts on one MCP server: list, get (rendered with the location's data) and completion. */
export function registerPrompts(server: Server, deps: PromptDeps): void {
  server.registerCapabilities({ prompts: {}, completions: {} });

  server.setRequestHandler('prompts/list', () => ({
    prompts: PROMPTS.map((prompt) => ({
      name: prompt.name,
      title: prompt.title,
      description: prompt.description,
      arguments: prompt.arguments.map(({ name, description, required }) => ({ name, description, required: required === true })),
    })),
  }));

  server.setRequestHandler('prompts/get', async (request) => {
    const prompt = byName.get(request.params.name);
    if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt ${request.params.name}; prompts/list shows ${PROMPTS.map((known) => known.name).join(', ')}`);
    return render(prompt, request.params.arguments ?? {}, deps);
  });

  server.setRequestHandler('completion/complete', async (request) => {
    const { ref, argument } = request.params;
    if (ref.type !== 'ref/prompt') return { completion: await deps.completeResource(request.params) };
    const source = byName.get(ref.name)?.arguments.find((spec) => spec.name === argument.name)?.complete;
    return { completion: source ? await complete(source, argument.value, deps.data) : { values: [] } };
  });
}

async function render(prompt: PromptDefinition, args: Record<string, string>, deps: PromptDeps): Promise<GetPromptResult> {
  const missing = prompt.arguments.filter((spec) => spec.required && !args[spec.name]?.trim()).map((spec) => spec.name);
  if (missing.length > 0) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${prompt.name} needs ${missing.join(' and ')}`);
  let parts: PromptPart[];
  try {
    parts = await prompt.render({
      data: deps.data,
      args,
      now: Date.now(),
      contact: (argument) => deps.data.findContact(args[argument] ?? ''),
    });
  } catch (error) {
    // The location's data could not be read (no token, GHL down): the person sees why, not a half-made prompt.
    const message = scrubSecrets((error as Error).message, deps.secrets());
    throw new ProtocolError(ProtocolErrorCode.InternalError, `Could not prepare ${prompt.name}: ${message}`);
  }
  const scrub = (text: string) => scrubSecrets(text, deps.secrets());
  return {
    description: prompt.description,
    messages: parts.map((part) => ({
      role: 'user' as const,
      content: 'text' in part
        ? { type: 'text' as const, text: scrub(part.text) }
        : { type: 'resource' as const, resource: { uri: part.uri, mimeType: RESOURCE_MIME_TYPE, text: scrub(JSON.stringify(part.json)) } },
    })),
  };
}

async function complete(source: ArgumentSource, typed: string, data: LocationData): Promise<Completion> {
  const values = typeof source === 'string'
    ? await data.complete(source, typed)
    : source.filter((value) => value.toLowerCase().startsWith(typed.trim().toLowerCase()));
  return { values, total: values.length, hasMore: false };
}

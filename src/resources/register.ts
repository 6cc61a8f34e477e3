import { type CompleteRequestParams, type CompleteResult, ProtocolError, ProtocolErrorCode, ResourceNotFoundError, type Server } from '@modelcontextprotocol/server';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { ResourceHub, ResourceSession } from './hub.js';
import { completeVariable, listResources } from './listing.js';
import { ResourceReadError, type TenantOptions, type TenantResources } from './reader.js';
import { InvalidResourceUri, RESOURCE_MIME_TYPE } from './registry.js';

export interface ResourceDeps extends TenantOptions {
  /** Shared by every session of the process. */
  hub: ResourceHub;
  logger: Logger;
  /** Stateless HTTP: the server answers one request and can be told nothing later. */
  stateless?: boolean;
}

const PAGE_SIZE = 100;
const MAX_SUBSCRIPTIONS = 100;

/**
 * Serves the resources on one MCP server (one session): list, templates, read, subscribe; completes their variables. Reads go
 * through the session's executor, so they share the tools' rate limiter and credentials.
 */
export function registerResources(server: Server, deps: ResourceDeps): ResourceCompletion {
  const { hub, logger } = deps;
  const resources = hub.tenant(deps);
  server.registerCapabilities({ resources: { subscribe: true, listChanged: true }, completions: {} });

  // A session whose transport is gone is forgotten, even when whoever owns the server replaced its onclose.
  const warn = (what: string) => (error: unknown) => {
    if (!server.transport) return hub.detach(session);
    logger.warn({ err: (error as Error).message }, `${what} not sent`);
  };
  const localId = randomUUID();
  const session: ResourceSession = {
    // The MCP session id over HTTP; stdio has one session, named here.
    id: () => (deps.stateless ? undefined : (server.transport?.sessionId ?? localId)),
    resources,
    subscriptions: new Set(),
    updated: (uri) => void server.sendResourceUpdated({ uri }).catch(warn('resources/updated')),
    listChanged: () => void server.sendResourceListChanged().catch(warn('resources/list_changed')),
  };
  hub.attach(session);
  const closed = server.onclose;
  server.onclose = () => {
    hub.detach(session);
    closed?.();
  };

  server.setRequestHandler('resources/list', async (request) => {
    await hub.touch(session);
    const all = await listResources(resources);
    const start = Number(request.params?.cursor ?? 0);
    if (!Number.isInteger(start) || start < 0) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
    const next = start + PAGE_SIZE;
    return { resources: all.slice(start, next), ...(next < all.length && { nextCursor: String(next) }) };
  });

  server.setRequestHandler('resources/templates/list', () => ({
    resourceTemplates: hub.registry.definitions().map((definition) => ({
      uriTemplate: definition.uriTemplate,
      name: definition.name,
      title: definition.title,
      description: definition.description,
      mimeType: RESOURCE_MIME_TYPE,
    })),
  }));

  server.setRequestHandler('resources/read', async (request) => {
    const { uri } = request.params;
    await hub.touch(session);
    try {
      return { contents: [{ uri, mimeType: RESOURCE_MIME_TYPE, text: await resources.read(uri) }] };
    } catch (error) {
      throw protocolError(uri, error);
    }
  });

  // Any URI may be subscribed to (the specification sets no condition; the conformance suite subscribes to its
  // own); only the URIs of these resources ever change.
  server.setRequestHandler('resources/subscribe', async (request) => {
    const { uri } = request.params;
    // Each subscription is read again every TTL: a session may hold only so many.
    if (session.subscriptions.size >= MAX_SUBSCRIPTIONS && !session.subscriptions.has(uri)) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `At most ${MAX_SUBSCRIPTIONS} subscriptions per session; unsubscribe from some first.`);
    }
    await hub.subscribe(session, uri);
    return {};
  });

  server.setRequestHandler('resources/unsubscribe', async (request) => {
    await hub.unsubscribe(session, request.params.uri);
    return {};
  });

  // One completion/complete handler serves prompts and resources (src/prompts/register.ts): it asks this for resource references.
  return {
    resources,
    complete: async ({ ref, argument, context }) =>
      ref.type === 'ref/resource' ? completeVariable(resources, ref.uri, argument.name, argument.value, context?.arguments) : { values: [] },
  };
}

export interface ResourceCompletion {
  /** The session's reader, shared with the prompts. */
  resources: TenantResources;
  complete(params: CompleteRequestParams): Promise<CompleteResult['completion']>;
}

/**
 * Failures of a read as JSON-RPC errors, as the SDK and the 2026 specification spell them: -32602 with data
 * `{ uri }` alone for a resource that does not exist, -32602 with a `reason` for a URI that cannot be read as given,
 * -32603 with GHL's status and the hint for a failed read.
 */
function protocolError(uri: string, error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof InvalidResourceUri) return new ProtocolError(ProtocolErrorCode.InvalidParams, error.message, { uri, reason: 'invalid-id' });
  const message = `Could not read ${uri}: ${(error as Error).message}`;
  if (error instanceof ResourceReadError) {
    if (error.kind === 'not-found') return new ResourceNotFoundError(uri, message);
    return new ProtocolError(ProtocolErrorCode.InternalError, message, { uri, ...error.details });
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, message, { uri });
}

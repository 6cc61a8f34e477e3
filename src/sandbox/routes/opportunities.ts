import { badRequest, created, notFound, ok } from '../http.js';
import { numberParam } from '../paging.js';
import { matchesText } from '../text.js';
import type { SandboxRouter } from '../router.js';
import type { Doc } from '../state.js';
import { type Rule, validate } from '../validate.js';

const STATUSES = ['open', 'won', 'lost', 'abandoned'] as const;
const FIELDS = ['name', 'pipelineId', 'pipelineStageId', 'status', 'monetaryValue', 'assignedTo', 'contactId', 'source', 'customFields', 'lostReasonId'];
const RULES: Record<string, Rule[]> = {
  pipelineId: ['required', 'string'],
  locationId: ['required', 'string'],
  name: ['required', 'string'],
  status: ['required', STATUSES],
  contactId: ['required', 'string'],
  pipelineStageId: ['string'],
  monetaryValue: ['number'],
  assignedTo: ['string'],
};
const UPDATE_RULES = Object.fromEntries(Object.entries(RULES).map(([field, rules]) => [field, rules.filter((rule) => rule !== 'required')]));

/** Pipelines with their stages, lost reasons, and opportunities: search with GHL's startAfter/startAfterId meta, create, move, close. */
export function opportunityRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const opportunities = store.collection('opportunities');
  const pipelines = store.collection('pipelines');
  const contacts = store.collection('contacts');
  const lostReasons = store.collection('lostReasons');

  /** An opportunity as GHL answers it: with a summary of its contact, read fresh. */
  const view = (opportunity: Doc): Doc => {
    const contact = contacts.get(opportunity.contactId);
    const summary = contact && { id: contact.id, name: contact.contactName, companyName: contact.companyName, email: contact.email, phone: contact.phone, tags: contact.tags };
    return { ...opportunity, contact: summary };
  };
  const find = (id: string) => {
    const opportunity = opportunities.get(id);
    if (!opportunity) throw notFound('Opportunity not found');
    return opportunity;
  };
  /** Cross-record checks GHL makes after field validation: the pipeline, its stage and the contact must exist. */
  const references = (record: Doc): string[] => {
    const pipeline = pipelines.get(record.pipelineId);
    if (!pipeline) return [`pipelineId ${record.pipelineId} is not a pipeline of this location`];
    const found: string[] = [];
    if (record.pipelineStageId && !(pipeline.stages as Doc[]).some((stage) => stage.id === record.pipelineStageId)) {
      found.push(`pipelineStageId ${record.pipelineStageId} is not a stage of pipeline "${pipeline.name}" (${pipeline.id})`);
    }
    if (!contacts.get(record.contactId)) found.push(`contactId ${record.contactId} is not a contact of this location`);
    return found;
  };
  const apply = (opportunity: Doc, body: Record<string, unknown>) => {
    const now = store.iso();
    const before = { stage: opportunity.pipelineStageId, status: opportunity.status };
    for (const field of FIELDS) if (body[field] !== undefined) opportunity[field] = body[field];
    if (body.pipelineId !== undefined && body.pipelineStageId === undefined) opportunity.pipelineStageId = undefined;
    opportunity.pipelineStageId ??= pipelines.get(opportunity.pipelineId)?.stages[0]?.id;
    if (opportunity.pipelineStageId !== before.stage) opportunity.lastStageChangeAt = now;
    if (opportunity.status !== before.status) opportunity.lastStatusChangeAt = now;
    opportunity.lastActionDate = opportunity.updatedAt = now;
  };
  const create = (body: Record<string, unknown>): Doc => {
    const duplicate = opportunities.find((item) => item.contactId === body.contactId && item.pipelineId === body.pipelineId && item.status === 'open');
    if (duplicate && body.status === 'open') throw badRequest('Can not create duplicate opportunity for the contact.');
    const now = store.iso();
    const opportunity: Doc = { id: store.id(), locationId, monetaryValue: 0, source: 'api', customFields: [], followers: [], createdAt: now, indexVersion: 1 };
    apply(opportunity, body);
    return opportunities.insert(opportunity);
  };

  router
    .on('GET /opportunities/pipelines', () => ok({ pipelines: pipelines.all() }))
    .on('GET /opportunities/lost-reason', ({ query }) => {
      const matching = lostReasons.all().filter((reason) => matchesText(reason, query.get('query') ?? query.get('name'), ['name']));
      const skip = numberParam(query, 'skip', 0);
      return ok({ lostReasons: matching.slice(skip, skip + numberParam(query, 'limit', 100)), total: matching.length });
    })
    .on('GET /opportunities/{id}', ({ params }) => ok({ opportunity: view(find(params.id!)) }))
    .on('POST /opportunities/', ({ body }) => {
      validate(body, RULES);
      validate(body, {}, references(body));
      return created({ opportunity: view(create(body)) });
    })
    .on('PUT /opportunities/{id}', ({ params, body }) => {
      const opportunity = find(params.id!);
      validate(body, UPDATE_RULES);
      validate(body, {}, references({ ...opportunity, ...body, pipelineStageId: body.pipelineStageId ?? (body.pipelineId ? undefined : opportunity.pipelineStageId) }));
      apply(opportunity, body);
      return ok({ opportunity: view(opportunity) });
    })
    .on('PUT /opportunities/{id}/status', ({ params, body }) => {
      const opportunity = find(params.id!);
      validate(body, { status: ['required', STATUSES], lostReasonId: ['string'] });
      apply(opportunity, body);
      return ok({ succeded: true });
    })
    .on('DELETE /opportunities/{id}', ({ params }) => {
      opportunities.remove(find(params.id!).id);
      return ok({ succeded: true });
    })
    .on('POST /opportunities/upsert', ({ body }) => {
      validate(body, { ...UPDATE_RULES, pipelineId: ['required', 'string'], locationId: ['required', 'string'] });
      const existing = body.id ? opportunities.get(String(body.id)) : opportunities.find((item) => item.contactId === body.contactId && item.pipelineId === body.pipelineId);
      if (existing) {
        validate(body, {}, references({ ...existing, ...body }));
        apply(existing, body);
        return ok({ opportunity: view(existing), new: false });
      }
      validate(body, RULES);
      validate(body, {}, references(body));
      return ok({ opportunity: view(create(body)), new: true });
    })
    .on('GET /opportunities/search', ({ query }) => {
      const limit = numberParam(query, 'limit', 20, 100);
      const page = numberParam(query, 'page', 1);
      const status = query.get('status');
      const equals = (field: string, param: string) => (record: Doc) => !query.get(param) || record[field] === query.get(param);
      const checks = [
        equals('pipelineId', 'pipeline_id'),
        equals('pipelineStageId', 'pipeline_stage_id'),
        equals('contactId', 'contact_id'),
        equals('assignedTo', 'assigned_to'),
        equals('id', 'id'),
        (record: Doc) => !status || status === 'all' || record.status === status,
        (record: Doc) => matchesText(record, query.get('q'), ['name']) || matchesText(record.contact ?? {}, query.get('q'), ['name', 'email', 'phone', 'companyName']),
      ];
      const ascending = query.get('order') === 'added_asc';
      const matching = opportunities
        .all()
        .map(view)
        .filter((record) => checks.every((check) => check(record)))
        .sort((a, b) => (Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : 1)) * (ascending ? 1 : -1));
      const afterId = query.get('startAfterId');
      const start = afterId ? matching.findIndex((record) => record.id === afterId) + 1 : (page - 1) * limit;
      const results = matching.slice(start, start + limit);
      const last = results.at(-1);
      const more = last !== undefined && start + limit < matching.length;
      const currentPage = Math.floor(start / limit) + 1;
      return ok({
        opportunities: results,
        meta: {
          total: matching.length,
          nextPageUrl: more ? `/opportunities/search?location_id=${locationId}&limit=${limit}&startAfterId=${last.id}&startAfter=${Date.parse(last.createdAt)}` : null,
          startAfterId: more ? last.id : null,
          startAfter: more ? Date.parse(last.createdAt) : null,
          currentPage,
          nextPage: more ? currentPage + 1 : null,
          prevPage: currentPage > 1 ? currentPage - 1 : null,
        },
        aggregations: {},
      });
    });
}

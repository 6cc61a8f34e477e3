import { compact, idOf, list } from '../src/resources/project.js';
import type { Invalidation, Json, ResourceDefinition } from '../src/resources/types.js';

/** The v2 API cannot change pipelines: what GHL's UI changes shows up when the cached answer expires. */
const PIPELINE_WRITES: Invalidation = { tools: [] };

function stages(pipeline: Json): Json[] {
  return list(pipeline.stages)
    .map((stage, index) => ({ stage, position: typeof stage.position === 'number' ? stage.position : index }))
    .sort((a, b) => a.position - b.position)
    .map(({ stage, position }) => compact({ id: idOf(stage), name: stage.name, position }));
}

function pipelineView(pipeline: Json): Json {
  return compact({ id: idOf(pipeline), name: pipeline.name, stages: stages(pipeline) });
}

const fetchPipelines = ({ locationId }: Record<string, string>) => ({ tool: 'opportunities_get_pipelines', args: { locationId } });

export const pipelines: ResourceDefinition = {
  name: 'pipelines',
  uriTemplate: 'ghl://locations/{locationId}/pipelines',
  title: 'Pipelines and stages',
  description: 'Opportunity pipelines of a location with their stages in order: the pipelineId and pipelineStageId opportunities need.',
  fetch: fetchPipelines,
  project: (body, { locationId }) => ({ locationId, pipelines: list(body.pipelines).map(pipelineView) }),
  items: (view) => list(view.pipelines).map((pipeline) => ({ id: String(pipeline.id), name: pipeline.name })),
  invalidatedBy: PIPELINE_WRITES,
  label: (vars, names) => `Pipelines of ${names.locationId ?? vars.locationId}`,
};

export const pipeline: ResourceDefinition = {
  name: 'pipeline',
  uriTemplate: 'ghl://locations/{locationId}/pipelines/{pipelineId}',
  title: 'Pipeline stages',
  description: 'One pipeline: its stages with IDs, names and order.',
  fetch: fetchPipelines,
  project: (body, { locationId, pipelineId }) => {
    const found = list(body.pipelines).find((item) => idOf(item) === pipelineId);
    return found && { locationId, ...pipelineView(found) };
  },
  invalidatedBy: PIPELINE_WRITES,
  label: (vars, names) => `Pipeline ${names.pipelineId ?? vars.pipelineId}`,
};

import type { ResourceDefinition, VariableSource } from '../src/resources/types.js';
import { calendar, calendars } from './calendars.js';
import { customFields, objectCustomFields, objects } from './custom-fields.js';
import { customValues } from './custom-values.js';
import { location, locations } from './locations.js';
import { pipeline, pipelines } from './pipelines.js';
import { tags } from './tags.js';
import { users } from './users.js';

/** Every MCP resource the server offers, most general first (resources/list keeps this order). */
export const RESOURCES: ResourceDefinition[] = [
  locations,
  location,
  pipelines,
  pipeline,
  calendars,
  calendar,
  users,
  customFields,
  objects,
  objectCustomFields,
  tags,
  customValues,
];

/** Template variables whose values are the items of another resource: completion and resources/list use them. */
export const VARIABLE_SOURCES: Record<string, VariableSource> = {
  locationId: { resource: 'locations', listed: true },
  pipelineId: { resource: 'pipelines', listed: true },
  calendarId: { resource: 'calendars', listed: true },
  objectKey: { resource: 'objects', listed: false },
};

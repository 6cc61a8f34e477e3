import { bounded, compact, idOf, list } from '../src/resources/project.js';
import type { FetchSpec, Json, ResourceDefinition } from '../src/resources/types.js';

const MAX_USERS = 100;

function user(found: Json): Json {
  const name = found.name ?? ([found.firstName, found.lastName].filter(Boolean).join(' ') || undefined);
  return compact({ id: idOf(found), name, email: found.email, role: found.roles?.role, type: found.roles?.type });
}

export const users: ResourceDefinition = {
  name: 'users',
  uriTemplate: 'ghl://locations/{locationId}/users',
  title: 'Users',
  description: 'Users (team members) of a location: IDs, names, emails and roles, for assignedTo and calendar team members.',
  // The search needs the company; without one, the per-location list a location token can always read.
  fetch: ({ locationId }, scope): FetchSpec => {
    const companyId = scope.kind === 'agency' || scope.kind === 'location' ? scope.companyId : undefined;
    return companyId
      ? { tool: 'users_search_users', args: { companyId, locationId, limit: String(MAX_USERS) } }
      : { tool: 'users_get_user_by_location', args: { locationId } };
  },
  project: (body, { locationId }, fetched) => {
    const found = list(body.users).filter((item) => item.deleted !== true);
    const total = typeof body.count === 'number' ? body.count : found.length;
    return { locationId, ...bounded('users', found.map(user), MAX_USERS, `Use ${fetched.tool} with skip to page.`, total) };
  },
  invalidatedBy: { tools: ['users_create_user', 'users_update_user', 'users_delete_user'] },
  label: (vars, names) => `Users of ${names.locationId ?? vars.locationId}`,
};

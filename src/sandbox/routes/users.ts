import { notFound, ok } from '../http.js';
import { numberParam } from '../paging.js';
import { matchesText } from '../text.js';
import type { SandboxRouter } from '../router.js';

/** The location's users: list, get, and the company-wide search (limit/skip, `count`). */
export function userRoutes(router: SandboxRouter): void {
  const users = router.context.store.collection('users');

  router
    .on('GET /users/', () => ok({ users: users.all() }))
    .on('GET /users/{userId}', ({ params }) => {
      const user = users.get(params.userId!);
      if (!user) throw notFound('User not found');
      return ok(user);
    })
    .on('GET /users/search', ({ query }) => {
      const skip = numberParam(query, 'skip', 0);
      const limit = numberParam(query, 'limit', 25, 100);
      const role = query.get('role');
      const ids = query.get('ids')?.split(',');
      const matching = users.filter(
        (user) =>
          matchesText(user, query.get('query'), ['name', 'email', 'phone']) &&
          (!role || user.roles?.role === role) &&
          (!ids || ids.includes(user.id)),
      );
      return ok({ users: matching.slice(skip, skip + limit), count: matching.length });
    });
}

/** Key names of one deployment's sessions (tests use their own prefix). */
export class SessionKeys {
  constructor(readonly prefix = 'ghl-mcp:session:') {}

  record(id: string): string {
    return `${this.prefix}${id}`;
  }

  /** A session's kept notifications (GET stream) or replies (request streams). */
  events(id: string, kind: 'notifications' | 'replies' = 'notifications'): string {
    return `${this.prefix}${id}:${kind === 'notifications' ? 'events' : 'replies'}`;
  }

  client(client: string): string {
    return `${this.prefix}client:${client}`;
  }
}

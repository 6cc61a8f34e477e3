import type { Executor } from '../executor.js';
import type { TenantResources } from '../resources/reader.js';
import type { Json } from '../resources/types.js';

/** A name and ID a prompt argument can name: a pipeline, a calendar, a contact. */
export interface Named {
  id: string;
  name: string;
}

export interface Contact extends Named {
  email?: string;
  phone?: string;
  tags: string[];
  dnd: boolean;
}

const MAX_COMPLETIONS = 20;
/** GHL refuses longer contact queries. */
const MAX_QUERY = 75;

/**
 * The location's own data that prompts complete their arguments from and render with: pipelines and calendars
 * through the cached ghl:// resources, contacts through the contact search tool. Every read is a catalog call
 * through the session's executor (validated, rate limited, with its credentials).
 */
export class LocationData {
  constructor(
    private readonly resources: TenantResources,
    private readonly executor: Executor,
  ) {}

  /** The configured location, or the only one the credentials reach; undefined when that is not known. */
  async locationId(): Promise<string | undefined> {
    const configured = this.resources.options.defaultLocationId;
    if (configured) return configured;
    const locations = await this.items('locations', {}).catch(() => []);
    return locations.length === 1 ? locations[0]!.id : undefined;
  }

  /** The location's view (name, time zone, ...), as ghl://locations/{id} shows it. */
  async location(): Promise<Json | undefined> {
    const locationId = await this.locationId();
    return locationId ? this.view('location', { locationId }) : undefined;
  }

  async pipelines(): Promise<Named[]> {
    return this.ofLocation('pipelines');
  }

  async calendars(): Promise<Named[]> {
    return this.ofLocation('calendars');
  }

  /** One resource view of the location (`pipeline` with `pipelineId`, `calendar` with `calendarId`). */
  async view(resource: string, vars: Record<string, string>): Promise<Json | undefined> {
    const definition = this.resources.registry.get(resource);
    const locationId = vars.locationId ?? (await this.locationId());
    if (!definition || !locationId) return undefined;
    return (await this.resources.view(definition, { ...vars, locationId })).view;
  }

  /** The URI of a resource view, for embedding it in a prompt. */
  uri(resource: string, vars: Record<string, string>): string {
    return this.resources.registry.uri(this.resources.registry.get(resource)!, vars);
  }

  /** Contacts whose name, email or phone match the text (GHL's own contact search). */
  async searchContacts(text: string, limit = 10): Promise<Contact[]> {
    const tool = this.resources.options.catalog.get('contacts_search_contacts_advanced');
    if (!tool) return [];
    const args: Record<string, unknown> = { pageLimit: limit };
    if (text.trim()) args.query = text.trim().slice(0, MAX_QUERY);
    const body = await this.fetch(tool.name, args);
    return (Array.isArray(body?.contacts) ? body.contacts : []).map(toContact);
  }

  /** One contact by ID; undefined when GHL does not know it. */
  async contact(id: string): Promise<Contact | undefined> {
    const body = await this.fetch('contacts_get_contact', { contactId: id });
    return body?.contact ? toContact(body.contact) : undefined;
  }

  /** What a person types in a prompt's argument → the names (or `Name <email>`) that match, best first. */
  async complete(kind: 'contact' | 'pipeline' | 'calendar', typed: string): Promise<string[]> {
    if (kind === 'contact') {
      const found = await this.searchContacts(typed, MAX_COMPLETIONS).catch(() => []);
      // GHL matches emails and phones too: names that match what was typed come first.
      const named = rank(found, typed);
      return [...named, ...found.filter((contact) => !named.includes(contact))].map(contactLabel);
    }
    const items = await (kind === 'pipeline' ? this.pipelines() : this.calendars()).catch(() => []);
    return rank(items, typed).map((item) => item.name).slice(0, MAX_COMPLETIONS);
  }

  /** A pipeline or calendar by ID or by name (as completed); undefined when none matches. */
  async findNamed(kind: 'pipeline' | 'calendar', text: string): Promise<Named | undefined> {
    const items = await (kind === 'pipeline' ? this.pipelines() : this.calendars());
    return items.find((item) => item.id === text.trim()) ?? rank(items, text)[0];
  }

  /** A contact by ID, by `Name <email or phone>` as completed, or by name: the first that matches. */
  async findContact(text: string): Promise<Contact | undefined> {
    const trimmed = text.trim();
    if (/^[A-Za-z0-9]{16,32}$/.test(trimmed)) {
      const byId = await this.contact(trimmed).catch(() => undefined);
      if (byId) return byId;
    }
    const reach = /<([^>]+)>\s*$/.exec(trimmed)?.[1];
    const name = trimmed.replace(/<[^>]*>\s*$/, '').trim().toLowerCase();
    const found = await this.searchContacts(reach ?? trimmed);
    return found.find((contact) => contact.name.toLowerCase() === name) ?? found[0];
  }

  private async ofLocation(resource: 'pipelines' | 'calendars'): Promise<Named[]> {
    const locationId = await this.locationId();
    return locationId ? this.items(resource, { locationId }) : [];
  }

  private async items(resource: string, vars: Record<string, string>): Promise<Named[]> {
    const definition = this.resources.registry.get(resource)!;
    const { view } = await this.resources.view(definition, vars);
    return (definition.items?.(view) ?? []).map((item) => ({ id: item.id, name: item.name ?? item.id }));
  }

  /** GHL's JSON answer of one catalog call; throws with the tool's error text when it fails. */
  private async fetch(name: string, args: Record<string, unknown>): Promise<Json | undefined> {
    const tool = this.resources.options.catalog.get(name);
    if (!tool) return undefined;
    const fetched = await this.executor.fetch(tool, args);
    if (fetched.result) throw new Error(fetched.result.content.map((block) => block.text).join('\n'));
    return fetched.response.text.trim() ? (JSON.parse(fetched.response.text) as Json) : undefined;
  }
}

/** Names that start with the typed text first, then names that contain it. */
function rank<T extends Named>(items: T[], typed: string): T[] {
  const needle = typed.trim().toLowerCase();
  const starts = items.filter((item) => item.name.toLowerCase().startsWith(needle));
  return [...starts, ...items.filter((item) => !starts.includes(item) && item.name.toLowerCase().includes(needle))];
}

function toContact(raw: Json): Contact {
  const name = [raw.firstName, raw.lastName].filter(Boolean).join(' ') || raw.contactName || raw.name || raw.email || raw.phone || String(raw.id);
  return {
    id: String(raw.id),
    name,
    email: raw.email ?? undefined,
    phone: raw.phone ?? undefined,
    tags: Array.isArray(raw.tags) ? raw.tags : [],
    dnd: raw.dnd === true,
  };
}

/** `Maria Okafor <maria@example.com>`: readable in a slash menu, and exact enough to find the contact again. */
export function contactLabel(contact: Contact): string {
  const reach = contact.email ?? contact.phone;
  return reach ? `${contact.name} <${reach}>` : contact.name;
}

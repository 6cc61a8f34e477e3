import type { Contact, LocationData } from './location-data.js';

/** Where an argument's completions come from: the location's data, or a fixed list. */
export type ArgumentSource = 'contact' | 'pipeline' | 'calendar' | readonly string[];

export interface PromptArgumentSpec {
  name: string;
  description: string;
  required?: boolean;
  complete?: ArgumentSource;
}

/** One rendered message part: our instructions, or a ghl:// resource the model should have at hand. */
export type PromptPart = { text: string } | { uri: string; json: unknown };

export interface PromptContext {
  data: LocationData;
  args: Record<string, string>;
  now: number;
  /** The contact an argument names, found by ID, `Name <email>` or name; undefined when none matches. */
  contact(argument: string): Promise<Contact | undefined>;
}

export interface PromptDefinition {
  name: string;
  title: string;
  description: string;
  arguments: PromptArgumentSpec[];
  render(context: PromptContext): Promise<PromptPart[]>;
}

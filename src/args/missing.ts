import type { JsonSchema } from '../catalog/types.js';

/** zod's words for a required field that is absent: "Invalid input: expected string, received undefined". */
const ABSENT = /received undefined$/;

/**
 * A required field left out, said as such, with the field's hint from the schema the agent was shown (where its
 * value comes from, its form): `userId: required and missing — from users_search_users or …`.
 */
export function missingFieldText(schema: JsonSchema, path: readonly PropertyKey[], message: string): string | undefined {
  if (!ABSENT.test(message)) return undefined;
  const hint = nodeAt(schema, path)?.description;
  return typeof hint === 'string' && hint !== '' ? `required and missing — ${hint}` : 'required and missing';
}

/** The schema node at a validation path: property names, and array indexes stepping into `items`. */
function nodeAt(schema: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const step of path) {
    if (!node) return undefined;
    if (typeof step === 'number') node = node.items as JsonSchema | undefined;
    else node = (node.properties as Record<string, JsonSchema> | undefined)?.[String(step)];
  }
  return node;
}

type Result = { content?: unknown; isError?: unknown };

/** Every text block of a result, joined: what the model reads. */
export function resultText(result: Result): string {
  return (result.content as { text: string }[]).map((block) => block.text).join('\n');
}

/**
 * The JSON a result carries, read the way an agent reads it: the first text block is one line saying what
 * happened, then the JSON. Undefined when there is no JSON (an answer with no content).
 */
export function resultBody(result: Result): any {
  const text = (result.content as { text: string }[])[0]!.text;
  const newline = text.indexOf('\n');
  return newline < 0 ? undefined : JSON.parse(text.slice(newline + 1));
}

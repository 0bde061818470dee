/**
 * The demo's conversation, shared by demo.ts and the integration test (integration/test/agent.test.ts): the questions,
 * the scripted model that answers them (deterministic: each reply is a function of the conversation it is sent), and
 * the manifest pointed at the fake server, and a way to search the chain for the key.
 */
import { fileURLToPath } from 'node:url';
import { decodeEventData, type ChainEvent } from '@theater/event-chain';
import { defaultHandlers } from '@theater/handlers';
import { loadManifest, type Manifest } from '@theater/kernel';
import type { ChatMessage, ChatScript, ScriptedReply } from '@theater/test-actors/fake-llm-server';

/** The agent's manifest (it allows api.openai.com only). */
export const AGENT_MANIFEST = fileURLToPath(new URL('./manifest.toml', import.meta.url));

/** The model name the demo asks for (through OPENAI_MODEL). */
export const MODEL = 'fake-model';

/** The page the model asks the agent to fetch: its host is not granted, so the host refuses the call. */
export const REFUSED_URL = 'https://example.com/';

/** The note the model saves in the first answer. */
export const NOTE = 'The launch is on Friday.';

/** Three questions: two tools at once, then a refused tool, then the notes back. */
export const QUESTIONS = [
  `Remember that the launch is on Friday, and tell me what time it is.`,
  `Fetch ${REFUSED_URL} and tell me what it says.`,
  'Which notes do I have?',
] as const;

/**
 * The fake model: a question gets tool calls (save_note and current_time; fetch_url; list_notes), and the tools'
 * results get an answer quoting them, refusals included.
 */
export const modelScript: ChatScript = (request) => {
  const messages = request.messages;
  const last = messages.at(-1);
  if (last?.role === 'user') {
    const question = last.content ?? '';
    if (question.startsWith('Remember')) return calls(['save_note', { text: NOTE }], ['current_time', {}]);
    if (question.startsWith('Fetch')) return calls(['fetch_url', { url: REFUSED_URL }]);
    if (question.includes('notes')) return calls(['list_notes', {}]);
    return { content: 'How can I help?' };
  }
  const results = toolResults(messages);
  if (results.has('current_time')) {
    const { now } = results.get('current_time') as { now: string };
    return { content: `Noted: "${NOTE}" It is ${now} (UTC).` };
  }
  if (results.has('fetch_url')) {
    const fetched = results.get('fetch_url') as { error?: string; text?: string };
    return {
      content: fetched.error === undefined ? `The page says: ${fetched.text ?? ''}` : `I could not fetch that page: ${fetched.error}`,
    };
  }
  if (results.has('list_notes')) {
    const { notes } = results.get('list_notes') as { notes: string[] };
    return { content: `You have ${notes.length} note${notes.length === 1 ? '' : 's'}: ${notes.join(' ')}` };
  }
  return { content: 'Done.' };
};

function calls(...wanted: [name: string, args: unknown][]): ScriptedReply {
  return { toolCalls: wanted.map(([name, args]) => ({ name, arguments: args })) };
}

/** The results of the tool calls of the last assistant message, by tool name. */
function toolResults(messages: readonly ChatMessage[]): Map<string, unknown> {
  const asked = messages.findLast((message) => message.role === 'assistant');
  const names = new Map((asked?.tool_calls ?? []).map((call) => [call.id, call.function.name]));
  const results = new Map<string, unknown>();
  for (const message of messages) {
    const name = message.tool_call_id === undefined ? undefined : names.get(message.tool_call_id);
    if (message.role === 'tool' && name !== undefined) results.set(name, JSON.parse(message.content ?? 'null'));
  }
  return results;
}

/** The agent's manifest granting `host` (the fake server's `127.0.0.1:<port>`) instead of api.openai.com. */
export async function agentManifest(host: string): Promise<Manifest> {
  const manifest = await loadManifest(AGENT_MANIFEST, { handlers: defaultHandlers() });
  return {
    ...manifest,
    handlers: manifest.handlers.map((handler) => (handler.type === 'http-client' ? { ...handler, allowedHosts: [host] } : handler)),
  };
}

/** What the agent replies to `{"ask": …}`. */
export interface AgentAnswer {
  readonly answer: string;
  readonly toolCalls: readonly { readonly name: string; readonly arguments: string; readonly ok: boolean; readonly result: string }[];
  readonly rounds: number;
}

/**
 * An event's data as searchable text: decoded, with byte strings (request bodies, stored notes; base64 in the raw
 * encoding) as UTF-8 and 64-bit integers as decimals. A secret in none of these is nowhere in the event.
 */
export function eventText(event: ChainEvent): string {
  const readable = (_key: string, value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return typeof value === 'bigint' ? String(value) : value;
  };
  return `${Buffer.from(event.data).toString('utf8')}\n${JSON.stringify(decodeEventData(event.data, event.v), readable)}`;
}

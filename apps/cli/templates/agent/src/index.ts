/**
 * An agent: holds a conversation with a model behind an OpenAI-compatible chat-completions endpoint and answers its
 * tool calls with host calls the manifest grants, until the model answers in words.
 *
 * - request `{"ask": "<text>"}` replies `{"ok": {"answer", "toolCalls": [{name, arguments, ok, result}], "rounds"}}`,
 *   or an error reply (`no-api-key`, `llm-error`, `too-many-rounds`, `bad-request`); the actor keeps running;
 * - request `{"history": true}` replies with the conversation; send `{"reset": true}` forgets it (the notes stay).
 *
 * The endpoint is `$OPENAI_BASE_URL/chat/completions` (default https://api.openai.com/v1), its host must be in the
 * http-client grant's `allowed_hosts`. The key is read from `OPENAI_API_KEY` (a `secret_vars` entry: the chain
 * records that it was read, as "[redacted]") at each question and only ever put in the `authorization` header, which
 * the chain also records as "[redacted]". The state holds the conversation, never the key.
 *
 * Tools, each a host call the manifest must grant: `save_note` and `list_notes` (store), `current_time` (timing),
 * `fetch_url` (http-client, GET). The http-client grant allows only the model's host, so `fetch_url` of any other
 * host is refused by the host (`permission-denied`), recorded in the chain, and the refusal goes back to the model
 * as the tool's result.
 */
import { getVar } from 'theater:simple/environment';
import { sendHttp } from 'theater:simple/http-client';
import { log } from 'theater:simple/runtime';
import { get, getByLabel, new as newStore, replaceContentAtLabel } from 'theater:simple/store';
import { now } from 'theater:simple/timing';
import { defineActor, reply, replyError } from '@theater/sdk/guest';

/** A message of the conversation, as the chat-completions API has it. */
interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface Agent {
  /** The model; when absent, `$OPENAI_MODEL`, else {@link DEFAULT_MODEL}. Set it with an initial state. */
  model?: string;
  /** The system prompt, sent first with every request. */
  system: string;
  /** The conversation so far (the system prompt not included). */
  messages: ChatMessage[];
  /** The store holding the notes, created at the first start. */
  store: string;
}

/** What the agent did with one of the model's tool calls. */
interface ToolCallRecord {
  name: string;
  arguments: string;
  /** False when the tool failed, e.g. a host call the manifest does not allow; `result` then holds the error. */
  ok: boolean;
  result: string;
}

type Request = { ask: string } | { history: true };
type Message = { reset: true };

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_MODEL = 'gpt-4o-mini';
const KEY_VAR = 'OPENAI_API_KEY';
/** Model calls per question: a model that keeps calling tools gets `too-many-rounds` instead of looping forever. */
const MAX_ROUNDS = 6;
/** Characters of a fetched page handed to the model. */
const MAX_PAGE_CHARS = 4000;
const NOTES_LABEL = 'notes';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The tools offered to the model, in the chat-completions `tools` format. */
const TOOLS = [
  tool('save_note', 'Save a short note to remember later.', { text: { type: 'string', description: 'The note.' } }),
  tool('list_notes', 'List every note saved so far.', {}),
  tool('current_time', 'The current date and time, UTC, as ISO 8601.', {}),
  tool('fetch_url', 'Fetch a web page with GET and return the start of its text.', {
    url: { type: 'string', description: 'An http(s) URL.' },
  }),
];

function tool(name: string, description: string, properties: Record<string, unknown>): unknown {
  return {
    type: 'function',
    function: { name, description, parameters: { type: 'object', properties, required: Object.keys(properties) } },
  };
}

/** Each tool: its arguments (parsed from the model's JSON) in, a JSON-able result out; a throw is the tool's error. */
const TOOL_CALLS: Record<string, (args: Record<string, unknown>, agent: Agent) => unknown> = {
  save_note(args, agent) {
    const text = stringArgument(args, 'text');
    const notes = [...readNotes(agent.store), text];
    replaceContentAtLabel(agent.store, NOTES_LABEL, encoder.encode(JSON.stringify(notes)));
    return { saved: text, notes: notes.length };
  },
  list_notes: (_args, agent) => ({ notes: readNotes(agent.store) }),
  current_time: () => ({ now: new Date(Number(now())).toISOString() }),
  fetch_url(args) {
    const response = sendHttp({ method: 'GET', uri: stringArgument(args, 'url'), headers: [['accept', 'text/html, text/plain']] });
    const text = response.body === undefined ? '' : decoder.decode(response.body);
    return { status: response.status, text: text.slice(0, MAX_PAGE_CHARS) };
  },
};

function readNotes(store: string): string[] {
  const ref = getByLabel(store, NOTES_LABEL);
  return ref === undefined ? [] : (JSON.parse(decoder.decode(get(store, ref))) as string[]);
}

function stringArgument(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || value === '') throw new Error(`argument ${name} must be a non-empty string`);
  return value;
}

/** The message of a host `err` (componentize-js throws it as an Error carrying it in `payload`), or of any throw. */
function messageOf(error: unknown): string {
  const payload = (error as { payload?: unknown } | null)?.payload;
  if (typeof payload === 'string') return payload;
  return error instanceof Error ? error.message : String(error);
}

/** A failed model call: becomes an error reply, the conversation as it was before the question. */
class LlmError extends Error {
  constructor(
    readonly code: 'no-api-key' | 'llm-error' | 'too-many-rounds',
    message: string,
  ) {
    super(message);
  }
}

/** Where and how to call the model: read from the environment once per question. */
interface Endpoint {
  url: string;
  model: string;
  key: string;
}

function endpoint(agent: Agent): Endpoint {
  // The key is read here and used only in the authorization header: the chain records "[redacted]" for both.
  const key = getVar(KEY_VAR);
  if (key === undefined || key === '') throw new LlmError('no-api-key', `${KEY_VAR} is not set (or not allowed by the environment grant)`);
  const baseUrl = (getVar('OPENAI_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/u, '');
  return { url: `${baseUrl}/chat/completions`, model: agent.model ?? getVar('OPENAI_MODEL') ?? DEFAULT_MODEL, key };
}

/** One chat-completions call: the model's message, or an {@link LlmError}. */
function complete(agent: Agent, { url, model, key }: Endpoint, messages: ChatMessage[]): ChatMessage {
  const body = JSON.stringify({ model, messages: [{ role: 'system', content: agent.system }, ...messages], tools: TOOLS });
  let response: ReturnType<typeof sendHttp>;
  try {
    response = sendHttp({
      method: 'POST',
      uri: url,
      headers: [
        ['content-type', 'application/json'],
        ['authorization', `Bearer ${key}`],
      ],
      body: encoder.encode(body),
    });
  } catch (error) {
    throw new LlmError('llm-error', `POST ${url} failed: ${messageOf(error)}`);
  }
  const text = response.body === undefined ? '' : decoder.decode(response.body);
  let parsed: { choices?: { message?: ChatMessage }[]; error?: { message?: string } } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (response.status !== 200) {
    throw new LlmError('llm-error', `the model endpoint answered ${response.status}: ${parsed?.error?.message ?? text.slice(0, 200)}`);
  }
  const message = parsed?.choices?.[0]?.message;
  if (message === undefined || message.role !== 'assistant')
    throw new LlmError('llm-error', 'the model endpoint answered without an assistant message');
  if (message.tool_calls !== undefined && !(Array.isArray(message.tool_calls) && message.tool_calls.every(isToolCall))) {
    throw new LlmError('llm-error', 'the model endpoint answered with malformed tool calls');
  }
  return {
    role: 'assistant',
    content: message.content ?? null,
    ...(message.tool_calls === undefined ? {} : { tool_calls: message.tool_calls }),
  };
}

function isToolCall(call: unknown): call is ToolCall {
  const { id, function: called } = (call ?? {}) as Partial<ToolCall>;
  return typeof id === 'string' && typeof called?.name === 'string' && typeof called.arguments === 'string';
}

/** Runs one of the model's tool calls; a failure (bad arguments, a refused host call) is the tool's result. */
function runTool(agent: Agent, call: ToolCall): ToolCallRecord {
  const { name, arguments: text } = call.function;
  try {
    // Own properties only: a tool named `constructor` or `toString` is no tool.
    const implementation = Object.hasOwn(TOOL_CALLS, name) ? TOOL_CALLS[name] : undefined;
    if (implementation === undefined) throw new Error(`no tool named ${name}`);
    const args: unknown = JSON.parse(text === '' ? '{}' : text);
    if (typeof args !== 'object' || args === null || Array.isArray(args))
      throw new Error(`the arguments must be a JSON object, got ${text}`);
    const result = JSON.stringify(implementation(args as Record<string, unknown>, agent));
    log(`tool ${name}(${text}) → ${result}`);
    return { name, arguments: text, ok: true, result };
  } catch (error) {
    const result = JSON.stringify({ error: messageOf(error) });
    log(`tool ${name}(${text}) failed: ${messageOf(error)}`);
    return { name, arguments: text, ok: false, result };
  }
}

/** Asks the model, running its tool calls, until it answers with content (at most {@link MAX_ROUNDS} calls). */
function converse(
  agent: Agent,
  question: string,
): { messages: ChatMessage[]; answer: string; toolCalls: ToolCallRecord[]; rounds: number } {
  const messages: ChatMessage[] = [...agent.messages, { role: 'user', content: question }];
  const toolCalls: ToolCallRecord[] = [];
  const target = endpoint(agent);
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const message = complete(agent, target, messages);
    messages.push(message);
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) return { messages, answer: message.content ?? '', toolCalls, rounds: round };
    for (const call of calls) {
      const record = runTool(agent, call);
      toolCalls.push(record);
      messages.push({ role: 'tool', tool_call_id: call.id, content: record.result });
    }
  }
  throw new LlmError('too-many-rounds', `the model still called tools after ${MAX_ROUNDS} rounds`);
}

export default defineActor({
  state: (): Agent => ({
    system: 'You are a helpful assistant. Use the tools to save and list notes, tell the time and fetch pages.',
    messages: [],
    store: '',
  }),

  init(agent, { id }) {
    // The first start creates the notes store; a restart or a replay keeps the one in the state.
    const store = agent.store === '' ? newStore() : agent.store;
    log(`agent ${id} starting: ${agent.messages.length} messages, notes in store ${store}`);
    return { ...agent, store };
  },

  onSend: (agent, message: Message) => ('reset' in message ? { ...agent, messages: [] } : agent),

  onRequest(agent, request: Request) {
    if (typeof request === 'object' && request !== null && 'history' in request) return reply(agent, agent.messages);
    if (typeof request !== 'object' || request === null || typeof request.ask !== 'string' || request.ask.trim() === '') {
      return replyError(agent, { code: 'bad-request', message: 'ask needs a question: {"ask": "<text>"}' });
    }
    try {
      const { messages, ...answer } = converse(agent, request.ask);
      return reply({ ...agent, messages }, answer);
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      log(`ask failed: ${error.code}: ${error.message}`);
      return replyError(agent, { code: error.code, message: error.message });
    }
  },
});

/**
 * A scripted stand-in for an OpenAI-compatible chat-completions API, for tests and demos: a real HTTP server on
 * 127.0.0.1 answering `POST /v1/chat/completions` from a script (a list of replies, or a function of the request),
 * with nothing random in its answers, so that a run against it records the same chain every time. It checks the
 * bearer token when given one and keeps every request it received for the test to look at.
 *
 * Self-contained (node:http only), so an example or a template can copy it as it is.
 *
 * @example
 * await using llm = await startFakeLlmServer({
 *   apiKey: 'sk-test',
 *   script: [{ toolCalls: [{ name: 'now', arguments: {} }] }, { content: 'It is late.' }],
 * });
 * // allowed_hosts = [llm.host]; the agent posts to `${llm.baseUrl}/chat/completions`
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message of a conversation, as the chat-completions API has it. */
export interface ChatMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  readonly content?: string | null;
  readonly tool_calls?: readonly ChatToolCall[];
  readonly tool_call_id?: string;
  readonly name?: string;
}

/** A tool call in an assistant message: `arguments` is a JSON text. */
export interface ChatToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** A tool offered to the model. */
export interface ChatTool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters?: unknown };
}

/** A chat-completions request body (fields the server does not read are kept as sent). */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ChatTool[];
  readonly [field: string]: unknown;
}

/**
 * One scripted answer: a text reply, tool calls (arguments given as a value, sent as its JSON text; ids default to
 * `call_<request>_<index>`), or an API error with its HTTP status.
 */
export type ScriptedReply =
  | { readonly content: string }
  | {
      readonly toolCalls: readonly { readonly name: string; readonly arguments?: unknown; readonly id?: string }[];
      readonly content?: string;
    }
  | { readonly status: number; readonly error: string };

/** The replies in order, or a function of each request and its 0-based index among the accepted ones. */
export type ChatScript = readonly ScriptedReply[] | ((request: ChatRequest, index: number) => ScriptedReply);

/** A request that reached the server, whatever it answered. */
export interface ReceivedChat {
  readonly method: string;
  readonly path: string;
  /** The `authorization` header as sent, if any. */
  readonly authorization: string | undefined;
  /** The body as text. */
  readonly raw: string;
  /** The body parsed as a chat request, when it was one. */
  readonly body: ChatRequest | undefined;
  /** The HTTP status the server answered with. */
  readonly status: number;
}

/** Options of `startFakeLlmServer`. */
export interface FakeLlmServerOptions {
  readonly script: ChatScript;
  /** When set, a request without `authorization: Bearer <apiKey>` gets 401. */
  readonly apiKey?: string;
  /** Port on 127.0.0.1; a free one by default. */
  readonly port?: number;
}

/** A running fake server; `close()` (or `await using`) stops it. */
export interface FakeLlmServer extends AsyncDisposable {
  readonly port: number;
  /** `127.0.0.1:<port>`, the entry for `allowed_hosts`. */
  readonly host: string;
  /** `http://127.0.0.1:<port>/v1`, the base URL OpenAI clients take. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: readonly ReceivedChat[];
  close(): Promise<void>;
}

const PATH = '/v1/chat/completions';
const MAX_BODY_BYTES = 1024 * 1024;
/** The `created` time of every completion: a fixed value keeps the answers byte for byte the same. */
const CREATED = 1_700_000_000;

/** Starts the server on 127.0.0.1 and resolves once it listens. */
export async function startFakeLlmServer(options: FakeLlmServerOptions): Promise<FakeLlmServer> {
  const requests: ReceivedChat[] = [];
  let answered = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string, tooLarge: boolean): void => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const authorization = req.headers.authorization;
    let body: ChatRequest | undefined;
    const answer = (status: number, payload: unknown): void => {
      requests.push({ method: req.method ?? '', path, authorization, raw, body, status });
      const bytes = Buffer.from(JSON.stringify(payload));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.byteLength });
      res.end(bytes);
    };
    if (path !== PATH) return answer(404, apiError(`no such endpoint: ${path} (only POST ${PATH})`, 'not_found'));
    if (req.method !== 'POST') return answer(405, apiError(`${req.method ?? ''} is not allowed: use POST`, 'method_not_allowed'));
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      return answer(401, apiError('Incorrect API key provided.', 'invalid_api_key'));
    }
    if (tooLarge) return answer(413, apiError(`the request body exceeds ${MAX_BODY_BYTES} bytes`, 'request_too_large'));
    body = parsedRequest(raw);
    if (body === undefined)
      return answer(400, apiError('expected a JSON body with model (a string) and messages (an array)', 'invalid_request'));
    if (body['stream'] === true) return answer(400, apiError('stream is not supported by the fake server', 'invalid_request'));
    const index = answered++;
    const reply = replyFor(options.script, body, index);
    if (reply === undefined) return answer(500, apiError(`the script has no reply for request ${index}`, 'script_exhausted'));
    if ('status' in reply) return answer(reply.status, apiError(reply.error, 'scripted_error'));
    answer(200, completion(body, reply, index));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8'), size > MAX_BODY_BYTES));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  return {
    port,
    host: `127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function replyFor(script: ChatScript, request: ChatRequest, index: number): ScriptedReply | undefined {
  return typeof script === 'function' ? script(request, index) : script[index];
}

function parsedRequest(raw: string): ChatRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { model, messages } = value as Record<string, unknown>;
  return typeof model === 'string' && Array.isArray(messages) ? (value as ChatRequest) : undefined;
}

/** The completion answering request `index` with `reply`. */
function completion(request: ChatRequest, reply: Exclude<ScriptedReply, { status: number }>, index: number): unknown {
  const toolCalls =
    'toolCalls' in reply
      ? reply.toolCalls.map((call, position) => ({
          id: call.id ?? `call_${index}_${position}`,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) },
        }))
      : undefined;
  const content = reply.content ?? null;
  const message = toolCalls === undefined ? { role: 'assistant', content } : { role: 'assistant', content, tool_calls: toolCalls };
  // Token counts are estimates (4 characters a token), but the same for the same request.
  const promptTokens = Math.ceil(JSON.stringify(request.messages).length / 4);
  const completionTokens = Math.ceil(JSON.stringify(message).length / 4);
  return {
    id: `chatcmpl-fake-${index}`,
    object: 'chat.completion',
    created: CREATED,
    model: request.model,
    choices: [{ index: 0, message, finish_reason: toolCalls === undefined ? 'stop' : 'tool_calls' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

function apiError(message: string, code: string): unknown {
  return { error: { message, type: 'invalid_request_error', param: null, code } };
}

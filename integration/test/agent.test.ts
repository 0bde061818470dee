/**
 * The agent example (examples/agent, the `agent` template's actor) against a scripted chat-completions server on
 * 127.0.0.1: each model call and each tool call is a host call in the chain, a tool whose host call the manifest does
 * not grant is refused by the host and the refusal reaches the model, the API key reaches the server but not the
 * chain, and the chain replays hash for hash with the server closed and the key unset. Uses the component built by
 * the example's `build:actors`.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEventData, readChainFile, type ChainEvent } from '@theater/event-chain';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, REDACTED, type Actor } from '@theater/kernel';
import {
  agentManifest,
  eventText,
  MODEL,
  modelScript,
  NOTE,
  QUESTIONS,
  REFUSED_URL,
  type AgentAnswer,
} from '@theater/example-agent/conversation';
import { startFakeLlmServer, type ScriptedReply } from '@theater/test-actors/fake-llm-server';
import { decode, tempDir, text } from './helpers.js';

const VARIABLES = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'] as const;
const SEND_HTTP = 'theater:simple/http-client.send-http';

let key = '';
beforeEach(() => {
  // A fresh key each run: finding it anywhere in the chain cannot be a coincidence.
  key = `sk-agent-${randomBytes(12).toString('hex')}`;
});
afterEach(() => {
  for (const name of VARIABLES) delete process.env[name];
});

function pointAt(baseUrl: string): void {
  Object.assign(process.env, { OPENAI_API_KEY: key, OPENAI_BASE_URL: baseUrl, OPENAI_MODEL: MODEL });
}

type Reply = { ok: AgentAnswer } | { error: { code: string; message: string } };

async function ask(agent: Actor, question: string): Promise<Reply> {
  return JSON.parse(decode(await agent.request(text(JSON.stringify({ ask: question }))))) as Reply;
}

function answered(reply: Reply): AgentAnswer {
  if (!('ok' in reply)) throw new Error(`expected an answer, got the error reply ${JSON.stringify(reply.error)}`);
  return reply.ok;
}

const data = (event: ChainEvent): Record<string, unknown> => decodeEventData(event.data) as Record<string, unknown>;
const short = (type: string): string => type.replace('theater:simple/', '');

/** The host calls each request made, in order, by short type (log lines left out). */
function hostCallsByRequest(events: readonly ChainEvent[]): string[][] {
  const requests: string[][] = [];
  for (const event of events) {
    if (event.type === 'wasm.call' && data(event)['function'] === 'handle-request') requests.push([]);
    else if (event.type.startsWith('theater:simple/') && event.type !== 'theater:simple/runtime.log')
      requests.at(-1)?.push(short(event.type));
  }
  return requests;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('the agent example', () => {
  it('records every model call and tool call, refuses an ungranted fetch, keeps the key out and replays without the server', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    const llm = await startFakeLlmServer({ apiKey: key, script: modelScript });
    pointAt(llm.baseUrl);
    const agent = await system.spawn(await agentManifest(llm.host));

    const noted = answered(await ask(agent, QUESTIONS[0]));
    expect(noted.toolCalls.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: 'save_note', ok: true },
      { name: 'current_time', ok: true },
    ]);
    expect(noted.answer).toMatch(/^Noted: "The launch is on Friday\." It is \d{4}-\d\d-\d\dT[\d:.]+Z \(UTC\)\.$/u);
    expect(noted.rounds).toBe(2);

    // The manifest allows the model's host only: the host refuses the fetch, and the model is told so.
    const fetched = answered(await ask(agent, QUESTIONS[1]));
    const refusal = 'permission-denied: host example.com is not in allowed_hosts';
    expect(fetched.toolCalls).toEqual([
      { name: 'fetch_url', arguments: JSON.stringify({ url: REFUSED_URL }), ok: false, result: JSON.stringify({ error: refusal }) },
    ]);
    expect(fetched.answer).toBe(`I could not fetch that page: ${refusal}`);
    const toldModel = llm.requests[3]?.body?.messages.at(-1);
    expect(toldModel).toEqual({ role: 'tool', tool_call_id: 'call_2_0', content: JSON.stringify({ error: refusal }) });

    const listed = answered(await ask(agent, QUESTIONS[2]));
    expect(listed.toolCalls).toMatchObject([{ name: 'list_notes', ok: true, result: JSON.stringify({ notes: [NOTE] }) }]);
    expect(listed.answer).toBe(`You have 1 note: ${NOTE}`);

    // The server saw six model calls, each with the real key and the whole conversation so far.
    expect(llm.requests.map((request) => [request.status, request.authorization])).toEqual(Array(6).fill([200, `Bearer ${key}`]));
    expect(
      llm.requests
        .at(-1)
        ?.body?.messages.filter((message) => message.role === 'user')
        .map((message) => message.content),
    ).toEqual([...QUESTIONS]);
    const history = JSON.parse(decode(await agent.request(text('{"history":true}')))) as { ok: { role: string }[] };
    expect(history.ok.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'tool',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    await agent.stop();

    const events = await agent.events();
    // Each question: the variables, a model call, the tools' host calls, the model call with their results.
    const env = ['environment.get-var', 'environment.get-var', 'environment.get-var'];
    expect(hostCallsByRequest(events)).toEqual([
      [...env, 'http-client.send-http', 'store.get-by-label', 'store.replace-content-at-label', 'timing.now', 'http-client.send-http'],
      [...env, 'http-client.send-http', 'http-client.send-http', 'http-client.send-http'],
      [...env, 'http-client.send-http', 'store.get-by-label', 'store.get', 'http-client.send-http'],
      [],
    ]);
    const sends = events.filter((event) => event.type === SEND_HTTP).map(data) as {
      args: [{ method: string; uri: string; headers: [string, string][] }];
      result?: { status: number };
      error?: string;
      redacted?: string[];
    }[];
    const modelCalls = sends.filter((send) => send.args[0].method === 'POST');
    expect(modelCalls).toHaveLength(6);
    for (const call of modelCalls) {
      expect(call.args[0]).toMatchObject({
        uri: `${llm.baseUrl}/chat/completions`,
        headers: [
          ['content-type', 'application/json'],
          ['authorization', REDACTED],
        ],
      });
      expect(call.redacted).toEqual(['/args/0/headers/1/1']);
      expect(call.result?.status).toBe(200);
    }
    expect(sends.filter((send) => send.args[0].method === 'GET')).toEqual([
      { args: [{ method: 'GET', uri: REFUSED_URL, headers: [['accept', 'text/html, text/plain']] }], error: refusal },
    ]);
    const keyReads = events
      .filter((event) => event.type === 'theater:simple/environment.get-var')
      .map(data)
      .filter((read) => (read['args'] as string[])[0] === 'OPENAI_API_KEY');
    expect(keyReads).toEqual(Array(3).fill({ args: ['OPENAI_API_KEY'], result: REDACTED, redacted: ['/result'] }));
    const saved = events.find((event) => event.type === 'theater:simple/store.replace-content-at-label');
    expect(decode((data(saved!)['args'] as Uint8Array[])[2])).toBe(JSON.stringify([NOTE]));

    // The key is nowhere in the chain or its export, in bytes or in any decoded string.
    const exported = Buffer.concat(await collect(system.exportChain(agent.id)));
    expect(events.filter((event) => eventText(event).includes(key)).map((event) => event.type)).toEqual([]);
    expect(events.filter((event) => eventText(event).includes(NOTE)).map((event) => short(event.type))).toContain(
      'store.replace-content-at-label',
    ); // bytes are searched
    expect(exported.includes(key)).toBe(false);
    const stored = await Promise.all(
      (await readdir(home.path, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => readFile(join(entry.parentPath, entry.name))),
    );
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((file) => file.includes(key))).toEqual([]);

    // Replayed from the chain alone, with the server closed and no variable set: the same events, hash for hash.
    await llm.close();
    for (const name of VARIABLES) delete process.env[name];
    expect(await system.replay(agent.id)).toMatchObject({ ok: true, events: events.length });
    await using otherHome = await tempDir();
    await using elsewhere = createActorSystem({ handlers: defaultHandlers(), home: otherHome.path, poolSize: 1 });
    expect(await elsewhere.replay(readChainFile(new Uint8Array(exported)).events())).toMatchObject({ ok: true, events: events.length });
  });

  it('answers a failing endpoint, endless tool calls and a missing key with error replies, unknown tools and bad arguments with tool errors, and keeps running', async () => {
    await using home = await tempDir();
    await using system = createActorSystem({ handlers: defaultHandlers(), home: home.path, poolSize: 1 });
    // Request 0 fails; 1 to 6 call a tool again and again; 7 calls tools that do not exist or with bad arguments;
    // then the model answers.
    const script = (_request: unknown, index: number): ScriptedReply => {
      if (index === 0) return { status: 503, error: 'The model is overloaded.' };
      if (index <= 6) return { toolCalls: [{ name: 'current_time' }] };
      if (index === 7)
        return {
          toolCalls: [{ name: 'constructor' }, { name: 'save_note', arguments: [1] }, { name: 'save_note', arguments: { text: 7 } }],
        };
      return { content: 'Back.' };
    };
    await using llm = await startFakeLlmServer({ apiKey: key, script });
    pointAt(llm.baseUrl);
    const agent = await system.spawn(await agentManifest(llm.host));

    expect(await ask(agent, 'Hello?')).toEqual({
      error: { code: 'llm-error', message: 'the model endpoint answered 503: The model is overloaded.' },
    });
    expect(await ask(agent, 'What time is it?')).toEqual({
      error: { code: 'too-many-rounds', message: 'the model still called tools after 6 rounds' },
    });
    expect(llm.requests).toHaveLength(7);
    // A tool call the agent cannot run is answered to the model as that tool's error.
    const odd = answered(await ask(agent, 'Odd tools?'));
    expect(odd.toolCalls.map(({ name, ok, result }) => ({ name, ok, result }))).toEqual([
      { name: 'constructor', ok: false, result: JSON.stringify({ error: 'no tool named constructor' }) },
      { name: 'save_note', ok: false, result: JSON.stringify({ error: 'the arguments must be a JSON object, got [1]' }) },
      { name: 'save_note', ok: false, result: JSON.stringify({ error: 'argument text must be a non-empty string' }) },
    ]);
    expect(odd).toMatchObject({ answer: 'Back.', rounds: 2 });
    // A failed question leaves the conversation as it was.
    expect(answered(await ask(agent, 'Still there?'))).toEqual({ answer: 'Back.', toolCalls: [], rounds: 1 });
    const conversation = llm.requests
      .at(-1)
      ?.body?.messages.filter((message) => message.role === 'user')
      .map((message) => message.content);
    expect(conversation).toEqual(['Odd tools?', 'Still there?']);
    expect(JSON.parse(decode(await agent.request(text('null'))))).toMatchObject({ error: { code: 'bad-request' } });

    delete process.env['OPENAI_API_KEY'];
    expect(await ask(agent, 'And now?')).toEqual({
      error: { code: 'no-api-key', message: 'OPENAI_API_KEY is not set (or not allowed by the environment grant)' },
    });
    expect(llm.requests).toHaveLength(10);
    await llm.close();
    process.env['OPENAI_API_KEY'] = key;
    expect(await ask(agent, 'Anyone?')).toMatchObject({
      error: { code: 'llm-error', message: expect.stringMatching(/failed: request failed: .*ECONNREFUSED/u) },
    });
    expect(await ask(agent, '   ')).toMatchObject({ error: { code: 'bad-request' } });
    expect(agent.status).toBe('running');
  });
});

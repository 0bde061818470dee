/**
 * The agent demo: starts a scripted chat-completions server on 127.0.0.1 (no network, deterministic replies), spawns
 * the agent granted only that host, and asks it three questions: the model calls save_note and current_time, then
 * fetch_url of a host the manifest does not allow (refused by the host, the refusal handed back to the model), then
 * list_notes. Prints the answers and the chain (each model call and tool call; the key as [redacted]), stops the
 * server, unsets the key and replays the chain: the same events, hash for hash. Exits 1 if a check fails.
 *
 * Usage: `pnpm --filter @theater/example-agent demo` (after `pnpm --filter @theater/example-agent build`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEventData, type ChainEvent } from '@theater/event-chain';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem } from '@theater/kernel';
import { startFakeLlmServer } from '@theater/test-actors/fake-llm-server';
import { agentManifest, eventText, MODEL, modelScript, QUESTIONS, type AgentAnswer } from './conversation.js';

const WIDTH = 118;
const utf8 = new TextDecoder();
const problems: string[] = [];
const check = (ok: boolean, problem: string): void => {
  if (!ok) problems.push(problem);
};

// A fresh key each run: finding it in the chain could not be a coincidence.
const key = `sk-demo-${randomBytes(12).toString('hex')}`;
const home = await mkdtemp(join(tmpdir(), 'theater-agent-'));
const system = createActorSystem({ handlers: defaultHandlers(), home });
const llm = await startFakeLlmServer({ apiKey: key, script: modelScript });

try {
  Object.assign(process.env, { OPENAI_API_KEY: key, OPENAI_BASE_URL: llm.baseUrl, OPENAI_MODEL: MODEL });
  console.log(`fake chat-completions server on ${llm.baseUrl} (the manifest's allowed_hosts: ${llm.host} instead of api.openai.com)`);
  const agent = await system.spawn(await agentManifest(llm.host));
  console.log(`agent ${agent.id}\n`);

  for (const question of QUESTIONS) {
    const reply = JSON.parse(utf8.decode(await agent.request(new TextEncoder().encode(JSON.stringify({ ask: question }))))) as {
      ok?: AgentAnswer;
      error?: unknown;
    };
    console.log(`> ${question}`);
    if (reply.ok === undefined) {
      check(false, `"${question}" got the error reply ${JSON.stringify(reply.error)}`);
      continue;
    }
    for (const call of reply.ok.toolCalls)
      console.log(`  tool ${call.name}(${call.arguments}) ${call.ok ? '→' : 'refused:'} ${call.result}`);
    console.log(`< ${reply.ok.answer}\n`);
  }
  await agent.stop();

  const events = await agent.events();
  console.log(`the chain (${events.length} events):`);
  for (const event of events) console.log(`  ${String(event.seq).padStart(2)} ${line(event)}`);

  const sends = events.filter((event) => event.type === 'theater:simple/http-client.send-http').map(data);
  const refused = sends.filter((send) => 'error' in send);
  check(
    llm.requests.length === 6 && llm.requests.every((request) => request.status === 200),
    `the server answered ${llm.requests.map((request) => request.status).join(', ')}, expected six 200s`,
  );
  check(
    refused.length === 1 && String(refused[0]?.['error']).startsWith('permission-denied'),
    'the refused fetch_url is not recorded as a permission-denied error',
  );
  const leaks = events.filter((event) => eventText(event).includes(key));
  check(leaks.length === 0, `the key is in ${leaks.length} events`);
  console.log(
    `\nthe key appears in ${leaks.length} of ${events.length} events; the server received it in ${llm.requests.filter((request) => request.authorization === `Bearer ${key}`).length} requests`,
  );

  await llm.close();
  delete process.env['OPENAI_API_KEY'];
  const replay = await system.replay(agent.id);
  check(replay.ok, `the replay diverges: ${JSON.stringify(replay.divergence)}`);
  const last = events.at(-1);
  console.log(
    `replay with the server closed and OPENAI_API_KEY unset: ${replay.ok ? 'matches' : 'DIVERGES'}, ${replay.events} events hash for hash ` +
      `(last ${last === undefined ? '-' : Buffer.from(last.hash).toString('hex').slice(0, 16)}…) in ${replay.durationMs.toFixed(0)} ms`,
  );
} catch (error) {
  problems.push(String(error));
} finally {
  await llm.close();
  await system.close();
  await rm(home, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`FAILED: ${problem}`);
  process.exitCode = 1;
} else {
  console.log('ok: every model call and tool call is in the chain, the refusal too, the key is not, and the chain replays');
}

function data(event: ChainEvent): Record<string, unknown> {
  return decodeEventData(event.data) as Record<string, unknown>;
}

/** One event on one line: what it is and what it carried. */
function line(event: ChainEvent): string {
  const value = data(event);
  const args = (value['args'] ?? []) as unknown[];
  const outcome = 'error' in value ? `✗ ${String(value['error'])}` : `→ ${show(value['result'])}`;
  const type = event.type.replace('theater:simple/', '');
  switch (type) {
    case 'http-client.send-http': {
      const request = args[0] as { method: string; uri: string; headers: [string, string][] };
      const auth = request.headers.find(([name]) => name === 'authorization');
      const sent = `${request.method} ${request.uri}${auth === undefined ? '' : ` (authorization: ${auth[1]})`}`;
      // The agent's model calls go to the chat-completions endpoint; any other request is its fetch_url tool.
      if (!request.uri.endsWith('/chat/completions')) return cut(`[tool host call] http-client.send-http ${sent} ${outcome}`);
      return cut(
        `[model call] ${sent} ${'error' in value ? outcome : `→ ${modelReply(value['result'] as { status: number; body?: Uint8Array })}`}`,
      );
    }
    case 'wasm.call':
      return cut(`[call] ${String(value['function'])} ${show((value['params'] as unknown[]).at(-1))}`);
    case 'wasm.result':
      return cut(`[result] ${String(value['function'])} ${show((value['output'] as unknown[] | null)?.[0] ?? null)}`);
    case 'runtime.log':
      return cut(`[log] ${shortIds(String(args[0]))}`);
    case 'actor.spawn':
    case 'actor.stop':
      return type;
    default:
      return cut(`[${type.startsWith('environment') ? 'env' : 'tool host call'}] ${type}(${args.map(show).join(', ')}) ${outcome}`);
  }
}

/** A model reply in brief: its status and what the model said or which tools it called. */
function modelReply(response: { status: number; body?: Uint8Array }): string {
  const body = JSON.parse(utf8.decode(response.body)) as {
    choices: { message: { content: string | null; tool_calls?: { function: { name: string } }[] } }[];
  };
  const message = body.choices[0]?.message;
  const said =
    message?.tool_calls === undefined
      ? JSON.stringify(message?.content)
      : `tool calls: ${message.tool_calls.map((call) => call.function.name).join(', ')}`;
  return `${response.status} ${said}`;
}

/** A value in brief: bytes as text, ids (store ids, content hashes) cut to 8 characters. */
function show(value: unknown): string {
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (typeof value === 'bigint') return String(value);
  return shortIds(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item)) ?? 'none');
}

function shortIds(text: string): string {
  return text.replace(/([0-9a-f]{8})(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|([0-9a-f]{8})[0-9a-f]{56}/gu, '$1$2…');
}

function cut(text: string): string {
  const flat = text.replace(/\s+/gu, ' ');
  return flat.length <= WIDTH ? flat : `${flat.slice(0, WIDTH - 1)}…`;
}

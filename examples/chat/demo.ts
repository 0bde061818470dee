/**
 * The chat demo: alice opens a channel to bob, they talk both ways, alice leaves, and each prints the conversation
 * as its state recorded it. Exits 1 if a message went missing or arrived out of order.
 *
 * Usage: `pnpm --filter @theater/example-chat demo` (after `pnpm --filter @theater/example-chat build`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem, type Actor } from '@theater/kernel';
import { decodeReply, type ReplyResult } from '@theater/sdk/guest';

const encoder = new TextEncoder();
const home = await mkdtemp(join(tmpdir(), 'theater-chat-'));
const system = createActorSystem({ handlers: defaultHandlers(), home });
const manifest = fileURLToPath(new URL('./chatter.toml', import.meta.url));
/** Sends a JSON command; the reply is an envelope, `{"ok": value}` or `{"error": {code, message}}`. */
const request = async <T>(actor: Actor, command: object): Promise<ReplyResult<T>> =>
  decodeReply<T>(await actor.request(encoder.encode(JSON.stringify(command))));
/** The reply's value; an error reply is thrown. */
const ask = async <T = string>(actor: Actor, command: object): Promise<T> => {
  const answer = await request<T>(actor, command);
  if (!answer.ok) throw new Error(`${JSON.stringify(command)} was refused: ${answer.error.code}: ${answer.error.message}`);
  return answer.value;
};

try {
  const alice = await system.spawn(manifest, { initState: encoder.encode('{"name":"alice"}') });
  const bob = await system.spawn(manifest, { initState: encoder.encode('{"name":"bob"}') });
  console.log(await ask(alice, { connect: bob.id }));
  await ask(alice, { say: 'hi bob' });
  await ask(bob, { say: 'hi alice' });
  await ask(alice, { say: 'how are you?' });
  await ask(bob, { say: 'fine, thanks' });
  await ask(alice, { leave: true });
  // An error reply is an answer: bob refuses, and keeps running (his history is read below).
  const late = await request(bob, { say: 'still there?' });
  console.log(
    `bob, asked to say more after alice left: ${late.ok ? 'said it' : `error reply ${late.error.code} (${late.error.message}), still running`}`,
  );
  const histories = { alice: await ask<string[]>(alice, { history: true }), bob: await ask<string[]>(bob, { history: true }) };
  for (const [name, lines] of Object.entries(histories)) {
    console.log(`${name}:`);
    for (const line of lines) console.log(`  ${line}`);
  }
  const expected = {
    alice: ['* connected to ' + bob.id, '< bob: welcome', '> hi bob', '< bob: hi alice', '> how are you?', '< bob: fine, thanks', '* left'],
    bob: ['* hello from alice', '< alice: hi bob', '> hi alice', '< alice: how are you?', '> fine, thanks', '* the other side left'],
  };
  if (JSON.stringify(histories) !== JSON.stringify(expected) || late.ok || late.error.code !== 'not-connected') {
    console.error('the conversation is not what was said, in order');
    process.exitCode = 1;
  }
} finally {
  await system.close();
  await rm(home, { recursive: true, force: true });
}

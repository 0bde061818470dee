/**
 * The supervisor-tree demo: spawn the supervisor (which spawns two workers), count some messages in worker 1, crash
 * it, and show that the kernel restarted it with the same id from its last committed state. Exits 1 if not.
 *
 * Usage: `pnpm --filter @theater/example-supervisor-tree demo` (after `pnpm build`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem } from '@theater/kernel';
import { decodeReply } from '@theater/sdk/guest';

const encoder = new TextEncoder();
const home = await mkdtemp(join(tmpdir(), 'theater-supervisor-tree-'));
const system = createActorSystem({ handlers: defaultHandlers(), home });
system.inspect((event) => {
  if (event.type === 'actor.log') console.log(`  [${event.actorId.slice(0, 8)}] ${event.message}`);
  if (event.type === 'actor.failed') console.log(`  ✗ ${event.actorId.slice(0, 8)} failed (${event.reason})`);
});

try {
  const supervisor = await system.spawn(fileURLToPath(new URL('./supervisor.toml', import.meta.url)));
  /** Sends a JSON request; the reply is the envelope `{"ok": value}` (an error reply is thrown). */
  const ask = async <T>(command: object): Promise<T> => {
    const answer = decodeReply<T>(await supervisor.request(encoder.encode(JSON.stringify(command))));
    if (!answer.ok) throw new Error(`${JSON.stringify(command)} was refused: ${answer.error.code}: ${answer.error.message}`);
    return answer.value;
  };
  const status = () => ask<{ workers: { id: string; state: { count: number } | null }[]; reports: string[] }>({ status: true });

  for (const text of ['one', 'two', 'three']) await ask({ send: text, to: 1 });
  const before = await status();
  const worker = before.workers[0]!;
  console.log(`worker 1 (${worker.id.slice(0, 8)}) before the crash: ${JSON.stringify(worker.state)}`);
  const instance = system.get(worker.id);

  await ask({ send: 'crash', to: 1 });
  for (let i = 0; i < 200 && !(system.get(worker.id) !== instance && system.get(worker.id)?.status === 'running'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const after = await status();
  const restarted = after.workers[0]!;
  console.log(`worker 1 (${restarted.id.slice(0, 8)}) after its restart: ${JSON.stringify(restarted.state)}`);
  console.log(`supervisor-handlers reported: ${after.reports.join('; ')}`);
  const chain = (await system.events(worker.id)).map((event) => event.type);
  console.log(
    `worker 1's chain continues across the restart: … ${chain.slice(chain.indexOf('actor.fail') - 2, chain.indexOf('actor.restart') + 1).join(' → ')} …`,
  );
  if (
    restarted.id !== worker.id ||
    JSON.stringify(restarted.state) !== JSON.stringify(worker.state) ||
    system.get(worker.id) === instance
  ) {
    console.error('the worker was not restarted from its last committed state');
    process.exitCode = 1;
  }
} finally {
  await system.close();
  await rm(home, { recursive: true, force: true });
}

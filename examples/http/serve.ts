/**
 * Keeps the http example running until Ctrl-C, so you can curl it or open it in a browser.
 *
 * Usage: `pnpm --filter @theater/example-http serve [port]` (default 8080; 0 picks a free port). The server listens
 * on 127.0.0.1 only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem } from '@theater/kernel';

const requested = Number(process.argv[2] ?? 8080);
if (!Number.isInteger(requested) || requested < 0 || requested > 65_535) {
  console.error(`expected a port (0-65535), got ${process.argv[2]}`);
  process.exit(2);
}
const home = await mkdtemp(join(tmpdir(), 'theater-http-'));
const system = createActorSystem({ handlers: defaultHandlers(), home });
system.inspect((event) => {
  if (event.type === 'actor.log') console.log(`[actor] ${event.message}`);
});
const shutdown = async (): Promise<void> => {
  await system.close();
  await rm(home, { recursive: true, force: true });
};

try {
  const manifest = fileURLToPath(new URL('./server.toml', import.meta.url));
  const actor = await system.spawn(manifest, { initState: new TextEncoder().encode(JSON.stringify({ port: requested })) });
  const { port } = JSON.parse(new TextDecoder().decode(actor.state())) as { port: number };
  console.log(`serving on http://127.0.0.1:${port}/ — try:`);
  console.log(`  curl http://127.0.0.1:${port}/`);
  console.log(`  curl http://127.0.0.1:${port}/api/count`);
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const { visits } = JSON.parse(new TextDecoder().decode(actor.state())) as { visits: number };
  console.log(`\nstopping after ${visits} visits`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await shutdown();
}

/**
 * The http demo: spawns the server actor on a free port of 127.0.0.1, fetches its page and checks it, then sends
 * 500 requests to warm up and 2,000 more, 32 at a time, and checks that none was lost: every answer is 200 and
 * carries its own visit number, each number once, and the actor's count matches. Prints requests/s and latency. Exits 1 if any check fails.
 *
 * Usage: `pnpm --filter @theater/example-http demo` (after `pnpm --filter @theater/example-http build`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHandlers } from '@theater/handlers';
import { createActorSystem } from '@theater/kernel';
import { loadPages, visitOf } from './load.js';

const REQUESTS = 2_000;
const CONCURRENCY = 32;
/** Requests sent first, untimed, so the figures are of a warm actor (its JS engine and the client both warm up). */
const WARMUP = 500;

const home = await mkdtemp(join(tmpdir(), 'theater-http-'));
const system = createActorSystem({ handlers: defaultHandlers(), home });
const manifest = fileURLToPath(new URL('./server.toml', import.meta.url));
const problems: string[] = [];
const check = (ok: boolean, problem: string): void => {
  if (!ok) problems.push(problem);
};

try {
  const actor = await system.spawn(manifest, { initState: new TextEncoder().encode('{"port":0}') });
  const { port } = JSON.parse(new TextDecoder().decode(actor.state())) as { port: number };
  const base = `http://127.0.0.1:${port}`;
  console.log(`actor ${actor.id} serves ${base}/`);

  const first = await fetch(`${base}/`);
  const html = await first.text();
  check(first.status === 200, `GET / answered ${first.status}`);
  check(first.headers.get('content-type') === 'text/html; charset=utf-8', `GET / has content type ${first.headers.get('content-type')}`);
  check(html.includes('Hello from a Theater actor') && visitOf(html) === 1, 'the page is not the first visit');
  console.log(`GET / → ${first.status}, visitor number ${visitOf(html)}`);
  console.log(
    `try it while the demo runs: curl ${base}/api/count   (or \`pnpm --filter @theater/example-http serve\` to keep a server up)`,
  );

  // The load: page visits, CONCURRENCY at a time, each one timed.
  const warmup = await loadPages(`${base}/`, WARMUP, CONCURRENCY);
  check(warmup.lost === 0, `${warmup.lost} of ${WARMUP} warm-up requests failed`);
  const { visits: seen, latencies, lost: failed, seconds } = await loadPages(`${base}/`, REQUESTS, CONCURRENCY);
  const count = (await (await fetch(`${base}/api/count`)).json()) as { visits: number };
  const expectedVisits = 1 + WARMUP + REQUESTS;
  const allNumbers = [...seen].every((visit) => visit > 1 + WARMUP && visit <= expectedVisits);
  check(failed === 0, `${failed} of ${REQUESTS} requests failed or repeated a visit number`);
  check(
    seen.size === REQUESTS && allNumbers,
    `the answers carry ${seen.size} distinct visit numbers, expected ${2 + WARMUP}..${expectedVisits}`,
  );
  check(count.visits === expectedVisits, `/api/count says ${count.visits} visits, expected ${expectedVisits}`);
  latencies.sort((a, b) => a - b);
  const at = (p: number): string =>
    (latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0).toFixed(1);
  console.log(
    `load: ${REQUESTS} requests, ${CONCURRENCY} at a time (after ${WARMUP} to warm up), in ${seconds.toFixed(2)} s: ${Math.round(REQUESTS / seconds)} requests/s, p50 ${at(50)} ms, p99 ${at(99)} ms`,
  );
  console.log(`lost: ${REQUESTS - seen.size}; /api/count → ${JSON.stringify(count)}`);
  const events = await actor.events();
  console.log(`the actor's chain holds ${events.length} events (each visit is one call and one result)`);
  await actor.stop();
} catch (error) {
  problems.push(String(error));
} finally {
  await system.close();
  await rm(home, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`FAILED: ${problem}`);
  process.exitCode = 1;
} else {
  console.log('ok: every request answered 200 with its own visit number, none lost');
}

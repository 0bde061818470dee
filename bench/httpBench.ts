/**
 * HTTP serving benchmark: the examples/http actor (its `/` page, one actor operation and one chain commit per
 * request) under a bounded load on 127.0.0.1, at concurrency 1 and 32, beside a bare node:http server in this process
 * that answers the same page with the same counter. Both are driven by the same client (Node's fetch, keep-alive), so
 * the difference is what serving through an actor costs. A request is lost unless it is answered 200 with its own
 * visit number; the actor's final count must match too.
 *
 * Run alone: `tsx --conditions=@theater/source bench/httpBench.ts` (after building examples/http); `pnpm bench`
 * includes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createActorSystem, type ActorSystem } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
import { median, percentile } from './stats.js';
import { page } from '../examples/http/src/lib/page.js';
import { loadPages } from '../examples/http/load.js';

const MANIFEST = fileURLToPath(new URL('../examples/http/server.toml', import.meta.url));

/** One load run. */
export interface HttpLoad {
  readonly requests: number;
  readonly concurrency: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Requests not answered 200 with a visit number of their own. */
  readonly lost: number;
}

/** The HTTP section's figures: per concurrency, the actor and the bare server. */
export interface HttpBenchResult {
  readonly actor: readonly HttpLoad[];
  readonly bare: readonly HttpLoad[];
  /** The actor's `/api/count` after the runs, and the number of page requests it was sent. */
  readonly actorCount: { readonly reported: number; readonly sent: number };
}

/** Sends `requests` GETs of `url`, `concurrency` at a time, timing each (see examples/http/load.ts). */
export async function loadHttp(url: string, requests: number, concurrency: number): Promise<HttpLoad> {
  const { latencies, lost, seconds } = await loadPages(url, requests, concurrency);
  return { requests, concurrency, perSecond: requests / seconds, p50Ms: median(latencies), p99Ms: percentile(latencies, 99), lost };
}

/** A bare node:http server on 127.0.0.1 answering the example's page with an in-process counter. */
async function bareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  let visits = 0;
  const server = createServer((_request, response) => {
    visits++;
    const body = Buffer.from(page(visits));
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': body.byteLength });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs the section on `system`: warm-up, then each concurrency against the actor and the bare server, alternately. */
export async function measureHttp(
  system: ActorSystem,
  options: { requests: number; warmup: number; concurrencies: readonly number[] },
): Promise<HttpBenchResult> {
  const actor = await system.spawn(MANIFEST, { initState: new TextEncoder().encode('{"port":0}') });
  const { port } = JSON.parse(new TextDecoder().decode(actor.state())) as { port: number };
  const actorUrl = `http://127.0.0.1:${port}/`;
  const bare = await bareServer();
  try {
    await loadHttp(actorUrl, options.warmup, 32);
    await loadHttp(bare.url, options.warmup, 32);
    const actorRuns: HttpLoad[] = [];
    const bareRuns: HttpLoad[] = [];
    for (const concurrency of options.concurrencies) {
      actorRuns.push(await loadHttp(actorUrl, options.requests, concurrency));
      bareRuns.push(await loadHttp(bare.url, options.requests, concurrency));
    }
    const reported = ((await (await fetch(`http://127.0.0.1:${port}/api/count`)).json()) as { visits: number }).visits;
    const sent = options.warmup + options.requests * options.concurrencies.length;
    return { actor: actorRuns, bare: bareRuns, actorCount: { reported, sent } };
  } finally {
    await bare.close();
    await actor.stop();
  }
}

/** Table rows for bench/run.ts. */
export function httpRows(result: HttpBenchResult): { metric: string; theater: string; baseline: string; ratio: string; target: string }[] {
  const rows = result.actor.map((run, i) => {
    const bare = result.bare[i]!;
    return {
      metric: `HTTP ${run.requests} GET /, concurrency ${run.concurrency} (examples/http)`,
      theater: `${Math.round(run.perSecond)} req/s, p50 ${run.p50Ms.toFixed(2)} / p99 ${run.p99Ms.toFixed(2)} ms, lost ${run.lost}`,
      baseline: `${Math.round(bare.perSecond)} req/s, p50 ${bare.p50Ms.toFixed(2)} / p99 ${bare.p99Ms.toFixed(2)} ms (bare node:http, lost ${bare.lost})`,
      ratio: `${((run.perSecond / bare.perSecond) * 100).toFixed(0)}%`,
      target: 'lost = 0 (report)',
    };
  });
  const { reported, sent } = result.actorCount;
  rows.push({
    metric: 'HTTP visits the actor counted',
    theater: `${reported} of ${sent} sent`,
    baseline: 'its state after every run, warm-up included',
    ratio: '',
    target: `lost = 0 (${sent - reported} lost)`,
  });
  return rows;
}

// Run alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const home = await mkdtemp(join(tmpdir(), 'theater-bench-http-'));
  const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 1 });
  try {
    const result = await measureHttp(system, { requests: 2_000, warmup: 500, concurrencies: [1, 32] });
    console.table(httpRows(result));
    console.log(JSON.stringify(result));
  } finally {
    await system.close();
    await rm(home, { recursive: true, force: true });
  }
}

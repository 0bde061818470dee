/**
 * HTTP serving benchmark: the examples/http actor (its `/` page, one actor operation and one chain commit per
 * request) under a bounded load on 127.0.0.1, at concurrency 1 and 32, beside a bare node:http server in this process
 * that answers the same page with the same counter. Both are driven by the same client (Node's fetch, keep-alive), so
 * the difference is what serving through an actor costs. A request is lost unless it is answered 200 with its own
 * visit number; the actor's final count must match too.
 *
 * Run alone: `node bench/dist/bench/httpBench.js` (after `pnpm bench`, which builds it); `pnpm bench` includes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createActorSystem, type ActorSystem } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
import { repoPath } from './paths.js';
import { benchRow, type BenchRow } from './row.js';
import { median, percentile } from './stats.js';
import { page } from '../examples/http/src/lib/page.js';
import { loadPages } from '../examples/http/load.js';

const MANIFEST = repoPath('examples', 'http', 'server.toml');

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

/** Runs the section on `system`: warm-up, then `rounds` runs of each concurrency against the actor and the bare server, alternately. */
export async function measureHttp(
  system: ActorSystem,
  options: { requests: number; warmup: number; concurrencies: readonly number[]; rounds: number },
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
      for (let round = 0; round < options.rounds; round++) {
        actorRuns.push(await loadHttp(actorUrl, options.requests, concurrency));
        bareRuns.push(await loadHttp(bare.url, options.requests, concurrency));
      }
    }
    const reported = ((await (await fetch(`http://127.0.0.1:${port}/api/count`)).json()) as { visits: number }).visits;
    const sent = options.warmup + options.requests * options.concurrencies.length * options.rounds;
    return { actor: actorRuns, bare: bareRuns, actorCount: { reported, sent } };
  } finally {
    await bare.close();
    await actor.stop();
  }
}

/** Rows for bench/run.ts: throughput and latency per concurrency beside the bare server, and requests lost. */
export function httpRows(result: HttpBenchResult): BenchRow[] {
  const rows: BenchRow[] = [];
  const concurrencies = [...new Set(result.actor.map((run) => run.concurrency))];
  for (const concurrency of concurrencies) {
    const actor = result.actor.filter((run) => run.concurrency === concurrency);
    const bare = result.bare.filter((run) => run.concurrency === concurrency);
    const requests = actor[0]!.requests;
    rows.push(
      benchRow({
        id: `http-c${concurrency}`,
        metric: `HTTP ${requests} GET /, concurrency ${concurrency} (examples/http)`,
        unit: 'req/s',
        values: actor.map((run) => run.perSecond),
        baselineValues: bare.map((run) => run.perSecond),
        baselineIs: 'bare node:http server, same client',
      }),
      benchRow({
        id: `http-c${concurrency}-p50`,
        metric: `HTTP latency p50, concurrency ${concurrency}`,
        unit: 'ms',
        values: actor.map((run) => run.p50Ms),
        baselineValues: bare.map((run) => run.p50Ms),
        baselineIs: 'bare node:http server, same client',
      }),
    );
  }
  const { reported, sent } = result.actorCount;
  const lost = result.actor.reduce((sum, run) => sum + run.lost, 0) + (sent - reported);
  rows.push(
    benchRow({
      id: 'http-lost',
      metric: `HTTP requests lost (not answered 200 with a visit of their own, or not counted by the actor: ${reported} of ${sent})`,
      unit: 'requests',
      values: [lost],
      target: '0',
      met: (value) => value === 0,
    }),
  );
  return rows;
}

// Run alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const home = await mkdtemp(join(tmpdir(), 'theater-bench-http-'));
  const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 1 });
  try {
    const result = await measureHttp(system, { requests: 2_000, warmup: 500, concurrencies: [1, 32], rounds: 3 });
    console.table(httpRows(result));
    console.log(JSON.stringify(result));
  } finally {
    await system.close();
    await rm(home, { recursive: true, force: true });
  }
}

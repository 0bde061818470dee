/**
 * The page load of the demo, shared with bench/httpBench.ts so that both count a lost request the same way: a request
 * is lost unless it is answered 200 with a visit number of its own (one no other answer carried).
 */
const VISIT = /<strong id="visits">(\d+)<\/strong>/u;

/** The visit number on a page, NaN when it shows none. */
export function visitOf(html: string): number {
  return Number(VISIT.exec(html)?.[1] ?? Number.NaN);
}

/** What one load saw. */
export interface PageLoad {
  /** The distinct visit numbers answered. */
  readonly visits: Set<number>;
  /** Each answered request's latency, ms, in the order they finished. */
  readonly latencies: number[];
  readonly lost: number;
  readonly seconds: number;
}

/** Sends `requests` GETs of `url`, `concurrency` at a time, timing each. */
export async function loadPages(url: string, requests: number, concurrency: number): Promise<PageLoad> {
  const visits = new Set<number>();
  const latencies: number[] = [];
  let lost = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        const sent = performance.now();
        try {
          const response = await fetch(url);
          const visit = visitOf(await response.text());
          latencies.push(performance.now() - sent);
          if (response.status !== 200 || Number.isNaN(visit) || visits.has(visit)) lost++;
          else visits.add(visit);
        } catch {
          lost++;
        }
      }
    }),
  );
  return { visits, latencies, lost, seconds: (performance.now() - started) / 1000 };
}

/**
 * Runs one density measurement (densityBench.ts) in a fresh process, and the entry point of that process. RSS is
 * read from the whole process, so in the bench's own process, grown and shrunk by every section before, the memory
 * it returns to the system while the measurement runs can outweigh what 20 actors add (it read as negative).
 *
 * Child usage: `node --expose-gc densityProcess.js <manifest path> <count>`; prints the result as JSON.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createActorSystem, loadManifest } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
import { measureDensity } from './densityBench.js';

type Density = Awaited<ReturnType<typeof measureDensity>>;

const self = fileURLToPath(import.meta.url);

/** RSS per idle actor of `manifestPath`, `count` of them in one shared scheduler worker, measured in a fresh process. */
export async function measureDensityApart(manifestPath: string, count: number): Promise<Density> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', self, manifestPath, String(count)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as Density;
}

async function main(manifestPath: string, count: number): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'theater-bench-density-'));
  const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 1, schedulerWorkers: 1 });
  try {
    const manifest = await loadManifest(manifestPath, { handlers: system.handlers });
    const density = await measureDensity(system, manifest, { count, isolation: 'shared' });
    process.stdout.write(JSON.stringify(density));
  } finally {
    await system.close();
    await rm(home, { recursive: true, force: true });
  }
}

if (process.argv[1] === self) await main(process.argv[2]!, Number(process.argv[3]));

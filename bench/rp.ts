import { mkdtemp } from 'node:fs/promises'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { createActorSystem, loadManifest } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
const home = process.argv[2] ?? await mkdtemp(join(tmpdir(), 'rp-'));
const system = createActorSystem({ handlers: defaultHandlers(), home, poolSize: 1 });
const counter = await loadManifest('/work/main/examples/counter/manifest.toml', { handlers: system.handlers });
const M = new TextEncoder().encode('x');
if (!process.argv[2]) {
const a = await system.spawn(counter, { id: 'rec' });
for (let i = 0; i < 10000; i++) await a.send(M);
await a.stop(); console.log(home);
} else {
for (let r = 0; r < 2; r++) { const res = await system.replay('rec'); console.log('replay', res.ok, res.events, res.durationMs, (globalThis as any).__rs); (globalThis as any).__rs = undefined; }
}
await system.close();

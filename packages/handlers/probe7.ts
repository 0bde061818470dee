import { createActorSystem, loadManifest } from '@theater/kernel';
import { defaultHandlers } from '@theater/handlers';
const system = createActorSystem({ handlers: defaultHandlers(), home: '/tmp/probe/home5', poolSize: 1 });
const a = await system.spawn(await loadManifest('/work/main/test-actors/manifests/small.toml'));
const msg = new Uint8Array([1]);
for (let i = 0; i < 2000; i++) await a.request(msg);
const times: number[] = [];
for (let i = 0; i < 2000; i++) { const t = performance.now(); await a.request(msg); times.push(performance.now() - t); }
times.sort((x, y) => x - y);
console.log('request rtt p50 us', (times[1000]! * 1000).toFixed(0), 'p99', (times[1980]! * 1000).toFixed(0));
const spaced: number[] = [];
for (let i = 0; i < 200; i++) { await new Promise((r) => setTimeout(r, 2)); const t = performance.now(); await a.request(msg); spaced.push(performance.now() - t); }
spaced.sort((x, y) => x - y);
console.log('after idle: p50 us', (spaced[100]! * 1000).toFixed(0), 'p99', (spaced[198]! * 1000).toFixed(0));
await system.close();

/**
 * One event's recording in a loop, for a CPU profile: encode a wasm.call's data and build the event (`createEvent`).
 * Run: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx --conditions=@theater/source bench/recordProfile.ts`.
 */
import { encodeEventData } from '../src/eventData.js';
import { type ChainEvent, createEvent } from '../src/eventFormat.js';

const COUNT = Number(process.env['COUNT'] ?? 1_000_000);
const value = {
  interface: 'theater:simple/message-server-client',
  function: 'handle-send',
  params: [Uint8Array.of(1, 2, 3, 4), [new Uint8Array(16).fill(2)]],
};
let previous: ChainEvent | undefined;
const started = performance.now();
const cpu = process.cpuUsage();
for (let i = 0; i < COUNT; i++)
  previous = createEvent(previous, { type: 'wasm.call', data: encodeEventData(value), time: 1_700_000_000_000 + i });
const elapsed = performance.now() - started;
const { user, system } = process.cpuUsage(cpu);
// CPU time as well as wall time: on a shared machine the wall time includes waiting for a core.
console.log(
  `${((user + system) / COUNT).toFixed(2)} µs CPU, ${((elapsed * 1000) / COUNT).toFixed(2)} µs wall per event (${COUNT} events, seq ${previous?.seq})`,
);

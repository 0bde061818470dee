/**
 * What one event costs to record and to read back, per event data encoding: encode the data, build the event
 * (encode its fields and hash them: `createEvent`), and decode the data again (what replay and readers do).
 * Old = JSON + base64 (event format v1), new = binary (v2). Run: `pnpm --filter @theater/event-chain bench:events`.
 * Prints the median and the range over rounds, interleaved so both see the same machine load.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { decodeBinaryEventData, encodeBinaryEventData } from '../src/binaryEventData.js';
import { decodeEventData, encodeEventData } from '../src/eventData.js';
import { type ChainEvent, createEvent, encodeEventFields } from '../src/eventFormat.js';
import { sha256 } from '../src/sha256.js';

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
const MESSAGE_SERVER = 'theater:simple/message-server-client';

/** The kernel's most frequent events, shaped as `chainEvents.ts` writes them. */
const payloads: { name: string; type: string; value: unknown }[] = [
  {
    name: 'wasm.call handle-send (4 B state, 16 B message)',
    type: 'wasm.call',
    value: { interface: MESSAGE_SERVER, function: 'handle-send', params: [bytes(4, 1), [bytes(16, 2)]] },
  },
  {
    name: 'wasm.result (4 B state, no output)',
    type: 'wasm.result',
    value: { interface: MESSAGE_SERVER, function: 'handle-send', state: bytes(4, 3), output: null },
  },
  {
    name: 'wasm.call handle-request (counter, 64 B JSON state, 24 B request)',
    type: 'wasm.call',
    value: { interface: MESSAGE_SERVER, function: 'handle-request', params: [bytes(64, 4), ['req-0001', bytes(24, 5)]] },
  },
  {
    name: 'host call runtime.log (string)',
    type: 'theater:simple/runtime.log',
    value: { args: ['got hello from the other actor'], result: null },
  },
  {
    name: 'host call message-server request (id, 256 B in, 256 B out)',
    type: 'theater:simple/message-server-host.request',
    value: { args: ['0f3c2a1b-5d6e-4f70-8a9b-0c1d2e3f4a5b', bytes(256, 6)], result: { tag: 'ok', val: bytes(256, 7) } },
  },
  {
    name: 'host call timing.sleep (u64)',
    type: 'theater:simple/timing.sleep',
    value: { args: [5000n], result: null },
  },
  {
    name: 'host call filesystem read (2 KB)',
    type: 'theater:simple/filesystem.read-file',
    value: { args: ['data/notes.txt'], result: { tag: 'ok', val: bytes(2048, 8) } },
  },
];

const codecs = {
  json: { encode: (value: unknown) => encodeEventData(value, 1), decode: (bytes: Uint8Array) => decodeEventData(bytes, 1) },
  binary: { encode: encodeBinaryEventData, decode: decodeBinaryEventData },
};

const ROUNDS = Number(process.env['ROUNDS'] ?? 9);
const PER_ROUND = Number(process.env['PER_ROUND'] ?? 20_000);

let sink = 0;
/** CPU µs per call (not wall time: on a shared machine that includes waiting for a core). */
function timeUs(run: () => void): number {
  const started = process.cpuUsage();
  for (let i = 0; i < PER_ROUND; i++) run();
  const { user, system } = process.cpuUsage(started);
  return (user + system) / PER_ROUND;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${median.toFixed(2)} (${sorted[0]!.toFixed(2)}-${sorted.at(-1)!.toFixed(2)})`;
}

const time = 1_700_000_000_000;
let previous: ChainEvent | undefined;
console.log(`per event, CPU µs: median (min-max) over ${ROUNDS} rounds of ${PER_ROUND}; node ${process.version}`);
for (const payload of payloads) {
  const results: Record<string, number[]> = {};
  const add = (key: string, value: number) => {
    results[key] ??= [];
    results[key].push(value);
  };
  const sizes = { json: codecs.json.encode(payload.value).length, binary: codecs.binary.encode(payload.value).length };
  for (let round = 0; round < ROUNDS + 1; round++) {
    const keep = round > 0; // the first round warms up
    for (const [name, codec] of Object.entries(codecs)) {
      const encoded = codec.encode(payload.value);
      const record = timeUs(() => {
        previous = createEvent(previous, { type: payload.type, data: codec.encode(payload.value), time });
      });
      const decode = timeUs(() => {
        sink += codec.decode(encoded) === null ? 1 : 0;
      });
      const encodeOnly = timeUs(() => {
        sink += codec.encode(payload.value).length;
      });
      if (keep) {
        add(`${name} record`, record);
        add(`${name} encode`, encodeOnly);
        add(`${name} decode`, decode);
        add(`${name} record+decode`, record + decode);
      }
    }
    // The hash alone, noble (before) and node:crypto (now), over the v1 fields of the JSON encoding.
    const fields = encodeEventFields(createEvent(undefined, { type: payload.type, data: codecs.json.encode(payload.value), time }));
    const noble = timeUs(() => {
      sink += nobleSha256(fields)[0]!;
    });
    const node = timeUs(() => {
      sink += sha256(fields)[0]!;
    });
    if (keep) {
      add('hash noble', noble);
      add('hash node:crypto', node);
    }
  }
  console.log(`\n${payload.name}: data ${sizes.json} B JSON, ${sizes.binary} B binary`);
  for (const [key, values] of Object.entries(results)) console.log(`  ${key.padEnd(22)} ${summary(values)}`);
  const median = (key: string) => [...results[key]!].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
  console.log(
    `  binary/json: record ${(median('binary record') / median('json record')).toFixed(2)}, decode ${(median('binary decode') / median('json decode')).toFixed(2)}, record+decode ${(median('binary record+decode') / median('json record+decode')).toFixed(2)}`,
  );
}
if (sink === -1) console.log(sink);

/**
 * How `theater events` shows chain events: a one-line summary of each event's data for the table, and the `--json`
 * form.
 */
import { decodeEventData, type ChainEvent } from '@theater/event-chain';
import {
  InvalidChainEventError,
  actorFailEvent,
  actorSpawnEvent,
  actorStopEvent,
  hostCallEvent,
  wasmCallEvent,
  wasmErrorEvent,
  wasmResultEvent,
} from '@theater/kernel';
import { toHex } from './decodeBytes.js';

/** One event in `theater events --json`. */
export interface EventJson {
  readonly seq: number;
  /** ISO 8601 (UTC, milliseconds). */
  readonly time: string;
  readonly type: string;
  /** SHA-256 of the event, hex. */
  readonly hash: string;
  /** Hash of the previous event, hex; null for the first. */
  readonly parent: string | null;
  /** `json`: `data` is the decoded payload; `base64`: the payload is not JSON and `data` is its bytes in base64. */
  readonly encoding: 'json' | 'base64';
  /**
   * The payload. Byte strings in it keep the event-data convention `{"$bytes": "<base64>"}` and 64-bit integers
   * `{"$bigint": "<decimal>"}` (`decodeEventData` of `@theater/event-chain` restores them).
   */
  readonly data: unknown;
}

/** The `--json` form of an event. */
export function toEventJson(event: ChainEvent): EventJson {
  const decoded = decodeData(event);
  return {
    seq: event.seq,
    time: formatTime(event.time),
    type: event.type,
    hash: toHex(event.hash),
    parent: event.parent === null ? null : toHex(event.parent),
    ...(decoded === undefined
      ? {
          encoding: 'base64' as const,
          data: Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength).toString('base64'),
        }
      : { encoding: 'json' as const, data: toJsonValue(decoded.value) }),
  };
}

/** An event's time as ISO 8601, or the raw number when no date can hold it. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/**
 * The event's data on one line of at most `width` characters: for the kernel's event types a reading of their
 * fields (`message-server-client#handle-send(b'hello')`, `log("starting") `, `by request`), else the decoded JSON
 * written compactly; byte strings as `b'text'` when printable, else `0x…` hex with their size.
 */
export function summarizeEvent(event: ChainEvent, width: number): string {
  const decoded = decodeData(event);
  const text = decoded === undefined ? bytes(event.data, width) : (summarizeKnown(event, width) ?? compact(decoded.value, width));
  return truncate(sanitize(text), width);
}

/** Cuts `text` to `width` characters (code points), ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  const chars = Array.from(text);
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Replaces control characters (newlines, terminal escapes) with spaces, so a value stays on its line and inert. */
export function sanitize(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/gu, ' ');
}

function decodeData(event: ChainEvent): { value: unknown } | undefined {
  if (event.data.byteLength === 0) return undefined;
  try {
    return { value: decodeEventData(event.data, event.v) };
  } catch {
    return undefined;
  }
}

function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item)]));
  }
  return value;
}

/** The summary of an event type the kernel records, or undefined when its data has another shape. */
function summarizeKnown(event: ChainEvent, width: number): string | undefined {
  const show = (value: unknown): string => compact(value, width);
  const fn = (data: { interface: string; function: string }): string => `${shortInterface(data.interface)}#${data.function}`;
  switch (event.type) {
    case 'actor.spawn': {
      const data = readable(() => actorSpawnEvent.decode(event));
      if (data === undefined) return undefined;
      const parts = [`${data.name} ${data.version}`, `component ${data.component.slice(0, 12)}…`];
      if (data.state !== null) parts.push(`state ${show(data.state)}`);
      return parts.join(' · ');
    }
    case 'wasm.call': {
      const data = readable(() => wasmCallEvent.decode(event));
      return data === undefined ? undefined : `${fn(data)}(${list(data.params, width)})`;
    }
    case 'wasm.result': {
      const data = readable(() => wasmResultEvent.decode(event));
      return data === undefined ? undefined : `${fn(data)} → ${show(data.output)} · state ${show(data.state)}`;
    }
    case 'wasm.error': {
      const data = readable(() => wasmErrorEvent.decode(event));
      return data === undefined ? undefined : `${fn(data)} ${data.reason}: ${data.message}`;
    }
    case 'actor.stop': {
      const data = readable(() => actorStopEvent.decode(event));
      if (data === undefined) return undefined;
      return data.data === null ? `by ${data.by}` : `by ${data.by} · ${show(data.data)}`;
    }
    case 'actor.fail': {
      const data = readable(() => actorFailEvent.decode(event));
      if (data === undefined) return undefined;
      const during = data.during === undefined ? '' : ` in ${data.during}`;
      return `${data.reason}${during}: ${data.message}`;
    }
    default: {
      // A host call, `<interface>.<function>`: `{ args, result }` or `{ args, error }`.
      const data = readable(() => hostCallEvent.decode(event));
      if (data?.args === undefined) return undefined;
      const name = event.type.slice(event.type.lastIndexOf('.') + 1);
      const call = `${name}(${list(data.args, width)})`;
      if (data.error !== undefined) return `${call} ✗ ${show(data.error)}`;
      return data.result === undefined || data.result === null ? call : `${call} → ${show(data.result)}`;
    }
  }
}

/** The event's data as its type records it, or undefined when it has another shape (shown as plain data then). */
function readable<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    if (error instanceof InvalidChainEventError) return undefined;
    throw error;
  }
}

/** `theater:simple/message-server-client` → `message-server-client`. */
function shortInterface(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/**
 * A value on one line, like JSON but shorter: unquoted keys, spaces after separators, `b'…'` / `0x…` for bytes,
 * `123n` for big integers. Stops once it is longer than `budget` (the caller truncates).
 */
function compact(value: unknown, budget: number): string {
  if (value instanceof Uint8Array) return bytes(value, budget);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > budget ? value.slice(0, budget + 1) : value);
  if (Array.isArray(value)) return `[${list(value, budget)}]`;
  if (isRecord(value)) {
    const parts: string[] = [];
    let length = 0;
    for (const [key, item] of Object.entries(value)) {
      if (length > budget) break;
      const part = `${/^[A-Za-z_$][\w$]*$/u.test(key) ? key : JSON.stringify(key)}: ${compact(item, budget - length)}`;
      parts.push(part);
      length += part.length + 2;
    }
    return `{${parts.join(', ')}}`;
  }
  return String(value);
}

function list(items: readonly unknown[], budget: number): string {
  const parts: string[] = [];
  let length = 0;
  for (const item of items) {
    if (length > budget) break;
    const part = compact(item, budget - length);
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join(', ');
}

const HEX_SHOWN = 8;
// Valid UTF-8 can still be binary (a little-endian u32 is four valid code points): control characters say so.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

/** `b'text'` when the bytes are printable UTF-8, else `0x01000000`, or `0x0102…0708… (123 bytes)` when long. */
function bytes(value: Uint8Array, budget: number): string {
  // Only the start is shown: decode no more than can fit (streaming, so a character cut at the end is no error).
  const shown = value.subarray(0, Math.max(0, budget + 1) * 4);
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(shown, { stream: shown.byteLength < value.byteLength });
  } catch {
    text = undefined;
  }
  if (text !== undefined && !CONTROL.test(text)) {
    return `b'${text.replace(/[\\'\n\r\t]/gu, (char) => ESCAPES[char]!)}'`;
  }
  const hex = toHex(value.subarray(0, HEX_SHOWN));
  return value.byteLength <= HEX_SHOWN ? `0x${hex}` : `0x${hex}… (${value.byteLength} bytes)`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

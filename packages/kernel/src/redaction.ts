/**
 * Keeping secrets out of the chain. A host function may be marked with a redaction: for each call it names, as JSON
 * Pointers into the recorded `{ args, result }`, the strings to keep out of the chain (an API key read from the
 * environment, an `authorization` header). The guest still gets the real value; the chain records `REDACTED` in its
 * place and lists the pointers under `redacted`, so it says that something was withheld and where.
 *
 * Replay answers host calls from the chain, so a replayed guest receives `REDACTED` where the recorded one received
 * the secret; the replay redacts the same pointers of its own calls, and a guest that only passes the secret on
 * (into a redacted header) replays hash for hash.
 */
import type { HostFunction } from './handler.js';

/** The string the chain holds in place of a value kept out of it, and what a replayed guest receives for it. */
export const REDACTED = '[redacted]';

/**
 * Which strings of one host call to keep out of the chain, as JSON Pointers into `{ args, result }`
 * (`/args/0/headers/2/1`, `/result`). `result` is undefined when the call failed. A pointer that does not reach a
 * string is ignored.
 */
export type Redaction = (args: readonly unknown[], result: unknown) => readonly string[];

const REDACTION = Symbol('theater.redaction');

/** Marks `fn` (and returns it) so that each of its calls is recorded with the strings `redaction` names withheld. */
export function redacting<F extends HostFunction>(fn: F, redaction: Redaction): F {
  Object.defineProperty(fn, REDACTION, { value: redaction });
  return fn;
}

/** The redaction `fn` is marked with, if any. */
export function redactionOf(fn: unknown): Redaction | undefined {
  return typeof fn === 'function' ? (fn as { [REDACTION]?: Redaction })[REDACTION] : undefined;
}

/** What the chain records of a host call: its args and outcome with the strings at `pointers` withheld. */
export interface RecordedHostCall {
  readonly args: readonly unknown[];
  readonly result?: unknown;
  readonly error?: string;
  /** The pointers withheld, in the order given; absent when none was. */
  readonly redacted?: readonly string[];
}

/**
 * The recorded form of a host call with `pointers` withheld. Only the containers on the way to a withheld string are
 * copied; the call's own values are left as they are.
 */
export function redactedHostCall(
  args: readonly unknown[],
  outcome: { result: unknown } | { error: string },
  pointers: readonly string[],
): RecordedHostCall {
  let root: Record<string, unknown> = { args, ...outcome };
  const withheld: string[] = [];
  for (const pointer of pointers) {
    const replaced = withheldAt(root, pointer);
    if (replaced === undefined) continue;
    root = replaced;
    withheld.push(pointer);
  }
  return withheld.length === 0 ? (root as unknown as RecordedHostCall) : ({ ...root, redacted: withheld } as unknown as RecordedHostCall);
}

/** `root` with the string at `pointer` replaced by REDACTED (copying the containers on the way), or undefined. */
function withheldAt(root: Record<string, unknown>, pointer: string): Record<string, unknown> | undefined {
  const tokens = parsePointer(pointer);
  if (tokens === undefined || tokens.length === 0 || (tokens[0] !== 'args' && tokens[0] !== 'result')) return undefined;
  const replace = (container: unknown, at: number): unknown => {
    const token = tokens[at]!;
    const last = at === tokens.length - 1;
    if (Array.isArray(container)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= container.length) return undefined;
      const index = Number(token);
      const next = last ? (typeof container[index] === 'string' ? REDACTED : undefined) : replace(container[index], at + 1);
      if (next === undefined) return undefined;
      const copy = container.slice();
      copy[index] = next;
      return copy;
    }
    if (typeof container !== 'object' || container === null || container instanceof Uint8Array || !Object.hasOwn(container, token))
      return undefined;
    const value = (container as Record<string, unknown>)[token];
    const next = last ? (typeof value === 'string' ? REDACTED : undefined) : replace(value, at + 1);
    if (next === undefined) return undefined;
    return { ...container, [token]: next };
  };
  return replace(root, 0) as Record<string, unknown> | undefined;
}

/** The reference tokens of a JSON Pointer (RFC 6901), or undefined when it is not one. */
function parsePointer(pointer: string): string[] | undefined {
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

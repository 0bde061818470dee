/**
 * Host dispatch: performs a host call the guest made, with the function one of its granted handlers provides, and
 * records it in the actor's chain (arguments and outcome, less what the handler's redaction withholds) in the order
 * the guest acted. A function the actor was not granted is refused, and recorded as such.
 */
import { HostCallError, type HostImplementation } from '../handler.js';
import { toJsName } from '../component/interfaceDeclarations.js';
import type { HostReply } from '../sandbox/protocol.js';
import { hostCallEvent, type EncodedEvent } from '../chain/chainEvents.js';
import { redactedHostCall, redactionOf } from '../redaction.js';
import { callImplementation } from '../sandbox/directAnswer.js';

const NOTHING_WITHHELD: readonly string[] = [];

/** The actor a host call is made for, as dispatch sees it. */
export interface HostCaller {
  /** Records an event in the actor's chain. */
  record(event: EncodedEvent): void;
  /** True once the actor has stopped or failed. */
  ended(): boolean;
}

/** Performs `iface#fn(...args)` with `host` for `caller`; resolves with the reply for the guest, recorded first. */
export function dispatchHostCall(
  host: HostImplementation,
  caller: HostCaller,
  iface: string,
  fn: string,
  args: readonly unknown[],
): HostReply | Promise<HostReply> {
  const implementation = host[iface]?.[toJsName(fn)] as ((...a: readonly unknown[]) => unknown) | undefined;
  const type = hostCallEvent.typeOf(iface, fn);
  if (implementation === undefined) {
    caller.record(hostCallEvent.encode(type, { args, error: 'not granted' }));
    return { ok: false, error: `${iface}#${fn} is not granted to this actor`, fatal: true };
  }
  const settle = (outcome: { value: unknown } | { error: unknown }): HostReply => {
    // An async host call that settles after the actor ended (its deadline passed meanwhile) has no guest to
    // answer, and the chain already ends with the failure: nothing is recorded after an actor's last event.
    if (caller.ended()) return { ok: false, error: 'the actor has ended', fatal: true };
    // A redacted function's secrets (an API key, an authorization header) reach the guest but not the chain.
    const redaction = redactionOf(implementation);
    const withheldFrom = (result: unknown): readonly string[] | undefined => {
      try {
        return redaction?.(args, result) ?? NOTHING_WITHHELD;
      } catch {
        return undefined;
      }
    };
    const value = 'value' in outcome ? outcome.value : undefined;
    const withheld = withheldFrom(value);
    if (withheld === undefined) {
      // A redaction that throws cannot say what is secret: fail closed, recording neither args nor outcome.
      const failure = `internal error: the ${type} handler could not tell what to withhold from the chain`;
      caller.record(hostCallEvent.encode(type, { error: failure }));
      return { ok: false, error: failure, fatal: true };
    }
    if ('value' in outcome) {
      const result = value ?? null;
      caller.record(hostCallEvent.encode(type, withheld.length === 0 ? { args, result } : redactedHostCall(args, { result }, withheld)));
      return { ok: true, value };
    }
    const { error } = outcome;
    const message = error instanceof HostCallError ? error.message : `internal error: ${String(error)}`;
    caller.record(
      hostCallEvent.encode(type, withheld.length === 0 ? { args, error: message } : redactedHostCall(args, { error: message }, withheld)),
    );
    return { ok: false, error: message, fatal: false };
  };
  // An async call is recorded once: when it settles, or before, when the worker gave the guest its reply
  // (sandbox/directAnswer.ts), whichever comes first.
  let settled: HostReply | undefined;
  const settleOnce = (outcome: { value: unknown } | { error: unknown }): HostReply => (settled ??= settle(outcome));
  try {
    const value = callImplementation(implementation, args, (reply) => void settleOnce({ value: reply }));
    // Synchronous host functions are recorded at once, keeping the chain in the order the guest acted.
    if (!(value instanceof Promise)) return settle({ value });
    return value.then(
      (resolved: unknown) => settleOnce({ value: resolved }),
      (error: unknown) => settleOnce({ error }),
    );
  } catch (error) {
    return settle({ error });
  }
}

/**
 * Host functions for a replay: every function the component imports is answered from the chain (the recorded
 * result, or the recorded error), so nothing outside the actor happens: no message is sent, no file written, no
 * request made. The one effect replayed for real is on the actor itself: `runtime.shutdown` stops it, as it did.
 * A recorded call that withheld secrets (`redacted`, see redaction.ts) has the same places withheld in the replay's
 * record, so what the guest passed there is not compared.
 */
import type { ChainEvent } from '@theater/event-chain';
import { HostCallError, type ActorState, type HostFunction, type HostImplementation } from '../handler.js';
import { redacting } from '../redaction.js';
import type { HostCallEventData } from '../chain/chainEvents.js';
import { recordedHostCall } from './recordedData.js';
import type { ReplayRecorder } from './replayRecorder.js';

const RUNTIME = 'theater:simple/runtime';

/** Builds the replay host for the imported functions (`interface → js name → wit name`). */
export function replayHost(
  imports: Readonly<Record<string, Readonly<Record<string, string>>>>,
  recorder: ReplayRecorder,
  requestShutdown: (data: ActorState) => void,
): HostImplementation {
  const host: Record<string, Record<string, HostFunction>> = {};
  for (const [iface, functions] of Object.entries(imports)) {
    const table: Record<string, HostFunction> = {};
    for (const [jsName, witName] of Object.entries(functions)) {
      const type = `${iface}.${witName}`;
      // What the recorded call withheld, withheld from this one too: the guest received REDACTED for a secret and
      // passes that on where the recorded guest passed the secret (the host call is recorded right after it returns).
      let withheld: readonly string[] = [];
      table[jsName] = redacting(
        ((...args: unknown[]) => {
          withheld = [];
          const recorded = recorder.nextExpected();
          // A call the chain does not have here gets an error; the recorder reports the divergence when it is recorded.
          if (recorded?.type !== type) throw new HostCallError(`replay: the recorded actor made no ${type} call here`);
          const payload = recordedPayload(recorded);
          withheld = payload.redacted ?? [];
          if (iface === RUNTIME && witName === 'shutdown') requestShutdown(args[0] as ActorState);
          if (payload.error !== undefined) throw new HostCallError(payload.error);
          return payload.result ?? undefined;
        }) as HostFunction,
        () => withheld,
      );
    }
    host[iface] = table;
  }
  return host;
}

/** The recorded outcome of a host call; data that is not one is an error for the guest, and a divergence. */
function recordedPayload(event: ChainEvent): HostCallEventData {
  try {
    return recordedHostCall(event);
  } catch (error) {
    throw new HostCallError(`replay: ${error instanceof Error ? error.message : String(error)}`);
  }
}

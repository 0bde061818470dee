/**
 * Send credit: the kernel's ledger of the mailbox places it promised an actor's scheduler worker, so that the
 * worker answers the guest's next sends to the same target with ok at once and reports them one-way, in its next
 * batch (consecutive sends cost one crossing). A blocking send that the target accepted earns its sender credit: up
 * to CREDIT places reserved in the target's mailbox, so the bound is never exceeded and a credited send is never
 * refused for a full mailbox. The credit lasts until the sender's operation ends (the worker drops its copy then,
 * the kernel releases what was not used); once it is spent, the next send blocks again, fails with `mailbox-full`
 * if the target has no room, else earns new credit from the room the target has made by consuming.
 *
 * Both sides count the same sends in the same order (reports reach the kernel in the order the guest acted), so the
 * kernel knows which sends the guest was already told were ok: those are recorded ok, as the guest saw them. A
 * credited send whose target stopped (or failed, or was replaced) before the kernel delivered it is like a message
 * already in the target's mailbox when it stopped: it is not delivered, the sender's chain holds the ok the guest
 * saw, and inspectors hear `message.rejected` (`actor-not-running`), as for any refused message. A target restarted
 * under its id since the grant gets such sends as ordinary ones (see `MessageRouter.sendFromActor`).
 */
import type { ActorInstance } from '../actor/actorInstance.js';

/** Most mailbox places one blocking send reserves for its sender: sends beyond them block once per this many. */
export const CREDIT = 64;

interface Grant {
  readonly target: ActorInstance;
  /** Places reserved and not yet used. */
  left: number;
}

/** The send credit of an actor system's senders; see the module header. */
export class SendCredit {
  /** By sender, then by the target id as the sender named it. */
  readonly #grants = new Map<string, Map<string, Grant>>();
  /**
   * Credit granted by the send being answered, by sender, with the target it is for: taken by the sender's listener
   * for the reply to that send only (a send made for the actor by other means, e.g. a handler's, leaves none behind).
   */
  readonly #fresh = new Map<string, { readonly to: string; readonly left: number }>();

  /** The target of a send `from` was promised a place for (the place is taken), else undefined. */
  spend(from: string, to: string): ActorInstance | undefined {
    this.#fresh.delete(from);
    const grant = this.#grants.get(from)?.get(to);
    if (grant === undefined || grant.left === 0) return undefined;
    grant.left--;
    return grant.target;
  }

  /** After `target` accepted a blocking send of `from` (named `to`): reserves credit for the sender's next sends. */
  grant(from: string, to: string, target: ActorInstance): void {
    this.#fresh.delete(from);
    // Half the free room at most: one eager sender leaves room for the others.
    const left = target.reserve(Math.min(CREDIT, Math.floor(target.room / 2)));
    if (left === 0) return;
    let grants = this.#grants.get(from);
    if (grants === undefined) {
      grants = new Map();
      this.#grants.set(from, grants);
    }
    const old = grants.get(to);
    if (old !== undefined) old.target.release(old.left);
    grants.set(to, { target, left });
    this.#fresh.set(from, { to, left });
  }

  /** The credit the send to `to` just answered earned its sender (told to its worker with the reply), if any. */
  takeFresh(from: string, to: string): number | undefined {
    const fresh = this.#fresh.get(from);
    if (fresh === undefined) return undefined;
    this.#fresh.delete(from);
    return fresh.to === to ? fresh.left : undefined;
  }

  /** The sender's operation ended (or the sender did): its unused places go back to their targets. */
  release(from: string): void {
    this.#fresh.delete(from);
    const grants = this.#grants.get(from);
    if (grants === undefined) return;
    this.#grants.delete(from);
    for (const grant of grants.values()) grant.target.release(grant.left);
  }
}

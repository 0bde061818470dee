/**
 * Messages between actors and from outside: sends, requests (replied at once, or deferred and answered later with
 * respond-to-request), and channels. Every delivery is an operation in the target's mailbox, so it is ordered (FIFO
 * per sender), bounded (a full mailbox is an error to the sender, never a silent drop) and recorded in the target's
 * chain. A request that would wait on its own sender (A requests B, which requests A, directly or through others)
 * fails at once with `request-cycle` instead of deadlocking until a timeout. A message the target refuses (full
 * mailbox, not running, export missing) is reported to inspectors as `message.rejected`, besides the sender.
 */
import { randomUUID } from 'node:crypto';
import type { ActorInstance } from '../actor/actorInstance.js';
import type { Inspector, MessageKind, MessageRejection } from '../inspection.js';
import type { MessageGrantCheck } from './messageGrant.js';
import { SendCredit } from './sendCredit.js';
import { takeDirectSite, type DirectAnswer } from '../sandbox/directAnswer.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { KernelError } from '../kernelError.js';

import { MESSAGE_CLIENT as MESSAGES } from './messageGrant.js';
const REJECTIONS: ReadonlySet<string> = new Set<MessageRejection>([
  'mailbox-full',
  'actor-not-running',
  'export-missing',
  'permission-denied',
]);

/** An end of a channel held outside the actor system (the API, the CLI). */
export interface ExternalChannelEnd {
  /** A message the actor sent on the channel. */
  onMessage(message: Uint8Array): void;
  /** The actor closed the channel, or ended. */
  onClose(): void;
}

/**
 * Whom a message is for: an actor by id (whichever instance runs under it), or one instance (an `Actor` handle, whose
 * messages never reach an instance that replaced it).
 */
export type MessageTarget = string | ActorInstance;

/** One end of a channel: an actor (by id) or an external holder. */
export type ChannelEnd = { readonly actorId: string } | ExternalChannelEnd;

interface PendingRequest {
  readonly id: string;
  /** The actor answering it. */
  readonly owner: string;
  /** The requesting actor (undefined for an external request). */
  readonly from: string | undefined;
  /** True once the owner returned no reply and must answer with respond-to-request. */
  deferred: boolean;
  /**
   * Settles the request. Once the requester's worker gave it the target's reply directly (sandbox/directAnswer.ts),
   * an error no longer can, unless `force`d (the requester ended).
   */
  readonly settle: (outcome: { reply: Uint8Array } | { error: KernelError }, force?: boolean) => void;
}

interface Channel {
  readonly id: string;
  readonly ends: readonly [ChannelEnd, ChannelEnd];
}

/** Routes messages between the actors of one system; see the module header. */
export class MessageRouter {
  readonly #find: (actorId: string) => ActorInstance | undefined;
  readonly #inspect: Inspector;
  readonly #assertReceives: MessageGrantCheck;
  /** The system's clock: request and channel-open timeouts run on it, as operation deadlines do. */
  readonly #clock: Clock;
  /** Mailbox places promised to actors' workers for their next sends. */
  readonly credit = new SendCredit();
  readonly #pending = new Map<string, PendingRequest>();
  readonly #channels = new Map<string, Channel>();
  /** Actors blocked in a request or channel open, and on whom. */
  readonly #blockedOn = new Map<string, string>();

  /**
   * `assertReceives` refuses delivery to an actor not granted to receive messages (see messageGrant.ts); `inspect`
   * hears of refused messages.
   */
  constructor(
    find: (actorId: string) => ActorInstance | undefined,
    assertReceives: MessageGrantCheck,
    inspect: Inspector = () => {},
    clock: Clock = systemClock,
  ) {
    this.#clock = clock;
    this.#find = find;
    this.#assertReceives = assertReceives;
    this.#inspect = inspect;
  }

  /**
   * Queues `message` for the target's handle-send; a refusal (unknown, not running, mailbox full) is thrown. The
   * returned promise settles once the message is processed (a sending actor does not wait for it).
   */
  send(from: string | undefined, to: MessageTarget, message: Uint8Array): Promise<void> {
    return this.#enqueue('send', from, this.#target('send', from, to), 'handle-send', [message]).then(ignore);
  }

  /**
   * An actor's send, with send credit (see sendCredit.ts): one its worker already answered ok is delivered into the
   * place reserved for it and never throws; any other is a `send` that, once accepted, earns credit for the next. The
   * sender does not wait for delivery: a delivery's own failure is the target's (in its chain, told to its supervisor).
   */
  sendFromActor(from: string, to: string, message: Uint8Array): void {
    const credited = this.credit.spend(from, to);
    if (credited !== undefined) {
      const current = this.#find(to);
      // The target was restarted under its id after the credit was granted: the send goes to the instance running
      // now, into a place of its mailbox like any send (the old instance's reserved places ended with it).
      if (current !== undefined && current !== credited) return this.#sendToReplacement(from, current, message);
      return this.#sendCredited(from, credited, message);
    }
    const target = this.#target('send', from, to);
    this.#enqueue('send', from, target, 'handle-send', [message]).catch(ignore);
    this.credit.grant(from, to, target);
  }

  /**
   * Delivers a request and resolves with the reply: the one handle-request returned, or, when it returned none,
   * the one its actor later gives with `respond`. Fails after `timeoutMs`, when the target fails or stops first,
   * when the target cancels it, or at once for a request cycle.
   */
  request(from: string | undefined, to: MessageTarget, message: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    // Taken first: a marked host function's request made now may be answered by a co-resident directly.
    const site = from === undefined ? undefined : takeDirectSite();
    const target = this.#target('request', from, to);
    const targetId = target.id;
    if (from !== undefined) this.#assertNoCycle(from, targetId, 'request');
    const id = randomUUID();
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        settle({ error: new KernelError('request-timeout', `actor ${targetId} did not answer the request within ${timeoutMs} ms`) });
      }, timeoutMs);
      /** An error that came after the worker had answered: it settles the request only if that answer is lost. */
      let overtaken: KernelError | undefined;
      const direct: DirectAnswer | undefined =
        site === undefined || from === undefined
          ? undefined
          : {
              thread: site.thread,
              call: site.call,
              cell: -1,
              taken: false,
              closed: false,
              answered: (reply) => {
                this.#heard(from, target);
                site.record(reply);
                settle({ reply });
              },
              lost: () => {
                if (direct?.taken !== true) return;
                const error =
                  overtaken ?? new KernelError('actor-not-running', `the worker of actor ${from} died while it waited for a reply`);
                settle({ error }, true);
              },
            };
      const settle = (outcome: { reply: Uint8Array } | { error: KernelError }, force = false): void => {
        if (this.#pending.get(id) !== request) return;
        if (direct !== undefined) {
          if (force) direct.thread.release(direct);
          else if (!direct.thread.claim(direct) && 'error' in outcome) {
            // The worker gave the requester the target's reply: that is its outcome (its report records it).
            overtaken = outcome.error;
            return;
          }
          direct.closed = true;
        }
        this.#pending.delete(id);
        this.#clock.clearTimeout(timer);
        if (from !== undefined) this.#blockedOn.delete(from);
        if ('reply' in outcome) resolve(outcome.reply);
        else reject(outcome.error);
      };
      const request: PendingRequest = { id, owner: targetId, from, deferred: false, settle };
      this.#pending.set(id, request);
      if (from !== undefined) this.#blockedOn.set(from, targetId);
      const replyOf = (output: unknown): Uint8Array | undefined => (output as [Uint8Array | undefined] | undefined)?.[0];
      let answered: Promise<unknown>;
      try {
        // Marked deferred as soon as the guest returns no reply: its very next operation may answer it.
        answered = this.#enqueue('request', from, target, 'handle-request', [id, message], {
          onOutput: (output) => {
            const reply = replyOf(output);
            if (reply === undefined) request.deferred = true;
            else if (from !== undefined) {
              // An actor hears the reply once the target's result is recorded, before it is durable; its own
              // results wait for that (a caller outside the system hears only what is durable).
              this.#heard(from, target);
              settle({ reply });
            }
          },
          answers: direct,
        });
      } catch (error) {
        settle({ error: asKernelError(error) });
        return;
      }
      answered.then(
        (output) => {
          const reply = replyOf(output);
          if (reply !== undefined) settle({ reply });
        },
        (error: unknown) => settle({ error: asKernelError(error) }),
      );
    });
  }

  /**
   * Actor `from` has a reply of `target` that may not be durable yet: nothing of its chain is written before the
   * target's events are (and those wait in turn for what they depend on).
   */
  #heard(from: string, target: ActorInstance): void {
    this.#find(from)?.commitAfter(target.id, target.flush());
  }

  /** Ids of the requests `owner` deferred and has not answered. */
  outstanding(owner: string): string[] {
    return [...this.#pending.values()].filter((request) => request.owner === owner && request.deferred).map((request) => request.id);
  }

  /** Answers a request `owner` deferred. */
  respond(owner: string, requestId: string, reply: Uint8Array): void {
    this.#deferredOf(owner, requestId).settle({ reply });
  }

  /** Drops a request `owner` deferred: its sender gets `request-cancelled`. */
  cancel(owner: string, requestId: string): void {
    this.#deferredOf(owner, requestId).settle({
      error: new KernelError('request-cancelled', `actor ${owner} cancelled the request instead of answering it`),
    });
  }

  /**
   * Opens a channel from `from` to the actor `to`: its handle-channel-open accepts or rejects it. Resolves with the
   * channel id and the acceptance message, which is also delivered to `from` as the channel's first message.
   */
  async openChannel(
    from: ChannelEnd,
    to: string,
    initial: Uint8Array,
    timeoutMs: number,
  ): Promise<{ id: string; welcome: Uint8Array | undefined }> {
    const opener = 'actorId' in from ? from.actorId : undefined;
    const target = this.#target('channel-open', opener, to);
    if (opener !== undefined) this.#assertNoCycle(opener, to, 'channel open');
    const id = randomUUID();
    let timer: TimerHandle | undefined;
    if (opener !== undefined) this.#blockedOn.set(opener, to);
    let output: unknown;
    try {
      output = await Promise.race([
        this.#enqueue('channel-open', opener, target, 'handle-channel-open', [id, initial]),
        new Promise((_, reject) => {
          timer = this.#clock.setTimeout(
            () => reject(new KernelError('request-timeout', `actor ${to} did not answer the channel open within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      throw asKernelError(error);
    } finally {
      this.#clock.clearTimeout(timer);
      if (opener !== undefined) this.#blockedOn.delete(opener);
    }
    const accept = (output as [{ accepted: boolean; message?: Uint8Array }] | undefined)?.[0];
    if (accept?.accepted !== true) throw new KernelError('channel-rejected', `actor ${to} rejected the channel`);
    // The target may have ended while accepting; the channel then never opens.
    this.#running(to);
    this.#channels.set(id, { id, ends: [from, { actorId: to }] });
    if (accept.message !== undefined) this.#deliver(to, from, id, accept.message);
    return { id, welcome: accept.message };
  }

  /** Sends on a channel `from` holds an end of, to the other end. */
  sendOnChannel(from: ChannelEnd, channelId: string, message: Uint8Array): void {
    const channel = this.#channelOf(from, channelId);
    this.#deliver('actorId' in from ? from.actorId : undefined, otherEnd(channel, from), channelId, message, true);
  }

  /** Closes a channel `from` holds an end of; the other end is told. */
  closeChannel(from: ChannelEnd, channelId: string): void {
    const channel = this.#channelOf(from, channelId);
    this.#channels.delete(channelId);
    notifyClosed(this.#find, otherEnd(channel, from), channelId);
  }

  /** An actor ended: its deferred requests fail, its own requests are dropped, its channels close, its credit goes. */
  actorEnded(actorId: string, why: string): void {
    this.credit.release(actorId);
    for (const request of [...this.#pending.values()]) {
      if (request.owner === actorId) {
        request.settle({ error: new KernelError('actor-not-running', `actor ${actorId} ${why} before answering the request`) });
      } else if (request.from === actorId) {
        request.settle({ error: new KernelError('actor-not-running', `the requesting actor ${actorId} ${why}`) }, true);
      }
    }
    this.#blockedOn.delete(actorId);
    for (const channel of [...this.#channels.values()]) {
      const own = channel.ends.find((end) => 'actorId' in end && end.actorId === actorId);
      if (own === undefined) continue;
      this.#channels.delete(channel.id);
      notifyClosed(this.#find, otherEnd(channel, own), channel.id);
    }
  }

  /** The running actor a message of `kind` is for; a refusal is reported (see `#rejected`) and thrown. */
  #target(kind: MessageKind, from: string | undefined, to: MessageTarget): ActorInstance {
    try {
      return this.#running(to);
    } catch (error) {
      this.#rejected(kind, from, typeof to === 'string' ? to : to.id, error);
      throw error;
    }
  }

  /** Puts a message in the target's mailbox; a refusal is reported (see `#rejected`) and thrown. */
  #enqueue(
    kind: MessageKind,
    from: string | undefined,
    target: ActorInstance,
    fn: string,
    params: readonly unknown[],
    options?: { readonly onOutput: (output: unknown) => void; readonly answers: DirectAnswer | undefined },
  ): Promise<unknown> {
    try {
      return target.enqueue(MESSAGES, fn, params, options);
    } catch (error) {
      this.#rejected(kind, from, target.id, error);
      throw error;
    }
  }

  /**
   * Delivers a send the sender's worker already answered ok into its reserved place. A target that stopped meanwhile
   * refuses it as it refuses what was left in its mailbox: reported to inspectors, not to the sender (whose guest was
   * told ok, and whose chain says so).
   */
  #sendCredited(from: string, target: ActorInstance, message: Uint8Array): void {
    try {
      target.enqueue(MESSAGES, 'handle-send', [message], { reserved: true }).catch(ignore);
    } catch (error) {
      this.#rejected('send', from, target.id, error);
    }
  }

  /**
   * Delivers a send the sender's worker already answered ok to the instance that replaced its credited target. A
   * refusal (full, not running) is reported to inspectors, not to the sender, as for `#sendCredited`.
   */
  #sendToReplacement(from: string, target: ActorInstance, message: Uint8Array): void {
    try {
      this.#enqueue('send', from, this.#target('send', from, target), 'handle-send', [message]).catch(ignore);
    } catch {
      // Reported to inspectors by #target / #enqueue.
    }
  }

  /** Tells inspectors of a message its (existing) target refused; an unknown target is the sender's mistake alone. */
  #rejected(kind: MessageKind, from: string | undefined, actorId: string, error: unknown): void {
    if (!(error instanceof KernelError) || !REJECTIONS.has(error.code)) return;
    this.#inspect({ type: 'message.rejected', actorId, from, kind, code: error.code as MessageRejection, message: error.message });
  }

  #running(to: MessageTarget): ActorInstance {
    const actor = typeof to === 'string' ? this.#find(to) : to;
    if (actor === undefined) throw new KernelError('actor-not-found', `no actor with id ${String(to)}`);
    if (actor.status !== 'running') {
      const why = actor.failure === undefined ? `is ${actor.status}` : `failed: ${actor.failure.message}`;
      throw new KernelError('actor-not-running', `actor ${actor.name} (${actor.id}) ${why}`);
    }
    // Every delivery finds its target here: one without the grant to receive messages is refused before any runs.
    this.#assertReceives(actor);
    return actor;
  }

  /** Throws `request-cycle` when `to` is (through others) waiting on `from`: the request would never be served. */
  #assertNoCycle(from: string, to: string, what: string): void {
    const path = [from, to];
    let steps = 0;
    for (
      let waiting: string | undefined = to;
      waiting !== undefined && steps++ <= this.#blockedOn.size;
      waiting = this.#blockedOn.get(waiting)
    ) {
      if (waiting === from) {
        throw new KernelError('request-cycle', `${what} cycle: ${path.join(' → ')}: actor ${from} would wait on itself`);
      }
      const next = this.#blockedOn.get(waiting);
      if (next !== undefined) path.push(next);
    }
  }

  #deferredOf(owner: string, requestId: string): PendingRequest {
    const request = this.#pending.get(requestId);
    if (request === undefined || request.owner !== owner || !request.deferred) {
      throw new KernelError('unknown-request', `actor ${owner} has no outstanding request ${requestId}`);
    }
    return request;
  }

  #channelOf(from: ChannelEnd, channelId: string): Channel {
    const channel = this.#channels.get(channelId);
    if (channel === undefined || !channel.ends.some((end) => sameEnd(end, from))) {
      throw new KernelError('unknown-channel', `channel ${channelId} is closed, or not one of this actor's`);
    }
    return channel;
  }

  /** Delivers a channel message from `from` to an end; `strict` reports a refusal (full mailbox) to the sender. */
  #deliver(from: string | undefined, to: ChannelEnd, channelId: string, message: Uint8Array, strict = false): void {
    if (!('actorId' in to)) {
      to.onMessage(message);
      return;
    }
    try {
      const target = this.#target('channel-message', from, to.actorId);
      void this.#enqueue('channel-message', from, target, 'handle-channel-message', [channelId, message]).catch(ignore);
    } catch (error) {
      if (strict) throw error;
    }
  }
}

function notifyClosed(find: (actorId: string) => ActorInstance | undefined, end: ChannelEnd, channelId: string): void {
  if (!('actorId' in end)) {
    end.onClose();
    return;
  }
  const actor = find(end.actorId);
  if (actor?.status !== 'running') return;
  try {
    void actor.enqueue(MESSAGES, 'handle-channel-close', [channelId]).catch(ignore);
  } catch {
    // Its mailbox is full or it is stopping: it learns of the close from its next send failing.
  }
}

function sameEnd(a: ChannelEnd, b: ChannelEnd): boolean {
  if ('actorId' in a && 'actorId' in b) return a.actorId === b.actorId;
  return a === b;
}

function otherEnd(channel: Channel, end: ChannelEnd): ChannelEnd {
  return sameEnd(channel.ends[0], end) ? channel.ends[1] : channel.ends[0];
}

function asKernelError(error: unknown): KernelError {
  if (error instanceof KernelError) return error;
  return new KernelError('actor-failed', error instanceof Error ? error.message : String(error), { cause: error });
}

/** A delivery's own failure is recorded in the target's chain and reported to its supervisor, not to the sender. */
function ignore(): void {}

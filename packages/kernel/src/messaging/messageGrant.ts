/**
 * Who receives messages. A send, a request or a channel is delivered by calling the target's
 * `theater:simple/message-server-client` exports, and those belong to the handler that requires them (as in upstream
 * Theater, where the message-server handler owns them): an actor whose manifest grants no such handler receives no
 * messages, whoever sends them (the API, the CLI, another actor), even when its component has the exports.
 */
import type { HandlerDefinition } from '../handler.js';
import { KernelError } from '../kernelError.js';
import type { Manifest } from '../manifest/index.js';

export const MESSAGE_CLIENT = 'theater:simple/message-server-client';

/** An actor as delivery sees it. */
export interface MessageRecipient {
  readonly id: string;
  readonly name: string;
  readonly manifest: Manifest;
}

/** Throws `permission-denied` naming the grant when `target` may not receive messages; refuses before anything runs. */
export type MessageGrantCheck = (target: MessageRecipient) => void;

/** The check for an actor system whose handlers are `known`. */
export function messageGrantCheck(known: readonly HandlerDefinition[]): MessageGrantCheck {
  const delivering = known.filter((handler) => MESSAGE_CLIENT in handler.requiredExports).map((handler) => handler.type);
  const grant =
    delivering.length === 0
      ? 'no handler of this actor system delivers messages'
      : `grant it with ${delivering.map((type) => `[[handler]] type = "${type}"`).join(' or ')}`;
  return (target) => {
    if (target.manifest.handlers.some((config) => delivering.includes(config.type))) return;
    const handlers = delivering.length === 1 ? `the ${delivering[0]} handler` : 'a handler that delivers messages';
    throw new KernelError(
      'permission-denied',
      `actor ${target.name} (${target.id}) receives no messages: its manifest does not grant ${handlers} (${grant})`,
    );
  };
}

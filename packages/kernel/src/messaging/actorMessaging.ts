/** Messaging as one actor sees it: what the `message-server` handler's host functions call. */
import type { MessageRouter } from './messageRouter.js';

/** Messaging on behalf of one actor (the sender); failures are thrown as KernelErrors. */
export interface ActorMessaging {
  send(to: string, message: Uint8Array): void;
  request(to: string, message: Uint8Array): Promise<Uint8Array>;
  openChannel(to: string, initial: Uint8Array): Promise<string>;
  sendOnChannel(channelId: string, message: Uint8Array): void;
  closeChannel(channelId: string): void;
  outstandingRequests(): string[];
  respondToRequest(requestId: string, reply: Uint8Array): void;
  cancelRequest(requestId: string): void;
}

/**
 * Binds the router to an actor. Its requests (and channel opens) wait at most half its `call_timeout_ms`: the
 * operation making them has the whole deadline, so a slow target fails the request, not the requester.
 */
export function actorMessaging(router: MessageRouter, actorId: string, callTimeoutMs: number): ActorMessaging {
  const waitMs = Math.max(1, Math.floor(callTimeoutMs / 2));
  const self = { actorId };
  return {
    send: (to, message) => router.sendFromActor(actorId, to, message),
    request: (to, message) => router.request(actorId, to, message, waitMs),
    openChannel: async (to, initial) => (await router.openChannel(self, to, initial, waitMs)).id,
    sendOnChannel: (channelId, message) => router.sendOnChannel(self, channelId, message),
    closeChannel: (channelId) => router.closeChannel(self, channelId),
    outstandingRequests: () => router.outstanding(actorId),
    respondToRequest: (requestId, reply) => router.respond(actorId, requestId, reply),
    cancelRequest: (requestId) => router.cancel(actorId, requestId),
  };
}

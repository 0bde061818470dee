/**
 * The `message-server` handler: delivery of messages to an actor's `message-server-client` export (which granting
 * it requires), and `message-server-host`, the actor's own sends, requests, deferred replies and channels, routed
 * by the kernel. Every refusal comes back to the guest as `err(<code>: <message>)`.
 */
import {
  forwardsReply,
  HostCallError,
  isKernelError,
  optionlessHandler,
  type HandlerDefinition,
  type HostInterfaces,
} from '@theater/kernel';

type MessageServerHost = Pick<HostInterfaces, 'theater:simple/message-server-host'>;

/** `type = "message-server"`: send, request and channels between actors. */
export interface MessageServerHandlerConfig {
  readonly type: 'message-server';
}

const configSchema = optionlessHandler('message-server');

/** Grants messaging: delivery into the actor, and `message-server-host` out of it. */
export const messageServerHandler: HandlerDefinition<MessageServerHandlerConfig> = {
  type: 'message-server',
  description: 'Messages, requests and channels between actors (theater:simple/message-server-host).',
  config: configSchema,
  provides: ['theater:simple/message-server-host'],
  requiredExports: {
    'theater:simple/message-server-client': [
      'handle-send',
      'handle-request',
      'handle-channel-open',
      'handle-channel-message',
      'handle-channel-close',
    ],
  },
  create({ messaging }): MessageServerHost {
    return {
      'theater:simple/message-server-host': {
        send: (actorId, msg) => guard(() => messaging.send(actorId, msg.slice())),
        // Its result is the target's reply as is: a co-resident target's reply may reach the guest from the worker.
        request: forwardsReply((actorId: string, msg: Uint8Array) => guardAsync(() => messaging.request(actorId, msg.slice()))),
        openChannel: (actorId, initialMsg) => guardAsync(() => messaging.openChannel(actorId, initialMsg.slice())),
        sendOnChannel: (channelId, msg) => guard(() => messaging.sendOnChannel(channelId, msg.slice())),
        closeChannel: (channelId) => guard(() => messaging.closeChannel(channelId)),
        listOutstandingRequests: () => messaging.outstandingRequests(),
        respondToRequest: (requestId, response) => guard(() => messaging.respondToRequest(requestId, response.slice())),
        cancelRequest: (requestId) => guard(() => messaging.cancelRequest(requestId)),
      },
    };
  },
};

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw toHostError(error);
  }
}

async function guardAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toHostError(error);
  }
}

/** Kernel refusals become the guest's `err`; anything else is a bug and stays an internal error. */
function toHostError(error: unknown): unknown {
  return isKernelError(error) ? new HostCallError(`${error.code}: ${error.message}`) : error;
}

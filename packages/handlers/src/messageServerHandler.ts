/**
 * The `message-server` handler. Granting it requires the actor to export `message-server-client`, so the kernel
 * and external clients can deliver messages and requests. Actor-to-actor messaging (`message-server-host`) is
 * provided once mailboxes route between actors; until then an actor importing it is refused at spawn.
 */
import type { HandlerDefinition, MessageServerHandlerConfig } from '@theater/kernel';

/** Grants delivery of messages to an actor's `message-server-client` export. */
export const messageServerHandler: HandlerDefinition<MessageServerHandlerConfig> = {
  type: 'message-server',
  provides: [],
  requiredExports: {
    'theater:simple/message-server-client': [
      'handle-send',
      'handle-request',
      'handle-channel-open',
      'handle-channel-message',
      'handle-channel-close',
    ],
  },
  create: () => ({}),
};

/** The message-server handler through the conformance suite: the messenger test actor talking to an echo actor. */
import { expect } from 'vitest';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, messageServerHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

/** The echo actor the messenger talks to, spawned by the drive script. */
interface Peer {
  id?: string;
}

testHandlerConformance({
  definition: messageServerHandler,
  handlers: defaultHandlers(),
  setup: async (): Promise<Peer> => ({}),
  manifest: testActorManifest('messenger'),
  async drive({ system, fixture, ask }) {
    const peer = (await system.spawn(testActorManifest('echo'))).id;
    fixture.id = peer;
    expect(await ask(`ask ${peer} hi`)).toBe('reply:echo:hi');
    expect(await ask(`tell ${peer} hello`)).toBe('sent');
    const channel = await ask(`open ${peer} hi`);
    expect(channel).toMatch(/^channel:/);
    const channelId = channel.slice('channel:'.length);
    expect(await ask(`chan ${channelId} over`)).toBe('ok');
    expect(await ask(`close ${channelId}`)).not.toMatch(/^error:/);
    expect(await ask('outstanding')).toBe('[]');
  },
  denial: { request: 'tell nobody hello', function: 'send', error: 'actor-not-found: no actor with id nobody' },
  // What the peer received: a replay delivers nothing to it again.
  sideEffects: async ({ system, fixture }) =>
    new TextDecoder().decode(await system.request(fixture.id!, new TextEncoder().encode('state'))),
  invalidConfigs: [{ table: 'type = "message-server"\nmailbox = 10', field: 'mailbox' }],
  excess: { anyGrantHoldsAnother: 'a message-server grant has no options', grant: { type: 'message-server' } },
});

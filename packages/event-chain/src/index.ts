/** @theater/event-chain: what happened to each actor, recorded in order and hash-linked. */
export type { ChainEvent, EventInput } from './chainEvent.js';
export { createMemoryChain, type EventChain } from './memoryChain.js';
export { encodeEventData, decodeEventData } from './eventData.js';
export { hashEvent } from './eventHash.js';

/** @theater/event-chain/testing: the conformance suite a `ChainStore` implementation runs under vitest. */
export { chainStoreConformance, expectCode, expectLinkedChain, type ChainStoreSubject } from './chainStoreConformance.js';

/** @theater/event-chain: what happened to each actor, recorded in order, hash-linked, signed, persisted and verifiable. */
export { bytesEqual } from './bytesEqual.js';
export { encodeEventData, decodeEventData } from './eventData.js';
export { matchesType, matchesAnyType } from './matchesType.js';
export {
  EVENT_FORMAT_VERSION,
  createEvent,
  decodeStoredEvent,
  encodeEventFields,
  encodeStoredEvent,
  hashEventFields,
  type ChainEvent,
  type EventFields,
  type EventFormatVersion,
  type EventInput,
} from './eventFormat.js';
export { ChainError, isChainError, type ChainErrorCode } from './chainError.js';
export { loadOrCreateNodeKey, NODE_PUBLIC_KEY_FILE, NODE_SECRET_KEY_FILE, type NodeKey } from './nodeKey.js';
export {
  CHECKPOINT_FORMAT_VERSION,
  createCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeCheckpointFields,
  verifyCheckpointSignature,
  type Checkpoint,
  type CheckpointFields,
} from './checkpoint.js';
export { checkpointCoverage, type CheckpointCoverage } from './checkpointCoverage.js';
export {
  createChainVerifier,
  verifyChain,
  verifyWithStoredCheckpoints,
  type ChainVerifier,
  type VerifyOptions,
  type VerifyResult,
} from './verifyChain.js';
export {
  openChainStore,
  openMemoryChainStore,
  type ChainStore,
  type ChainStoreOptions,
  type ImportedChain,
  type ReadRange,
  type StoredCheckpoint,
  type SubscribeOptions,
} from './chainStore.js';
export { ChainWriter } from './chainWriter.js';
export {
  CHAIN_FILE_FORMAT,
  CHAIN_FILE_VERSION,
  readChainFile,
  verifyChainFile,
  type ChainFileEvent,
  type ChainFileHeader,
  type ChainFileReader,
  type ChainFileSource,
  type ChainFileVerdict,
  type VerifyChainFileOptions,
} from './chainFile.js';

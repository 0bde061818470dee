/** @module Interface theater:simple/types **/
export type State = Uint8Array | undefined;
export interface ChainEvent {
  hash: Uint8Array,
  parentHash?: Uint8Array,
  eventType: string,
  data: Uint8Array,
  timestamp: bigint,
}
export type ActorId = string;
export type ChannelId = string;
export interface ChannelAccept {
  accepted: boolean,
  message?: Uint8Array,
}
/**
 * # Variants
 * 
 * ## `"operation-timeout"`
 * 
 * ## `"channel-closed"`
 * 
 * ## `"shutting-down"`
 * 
 * ## `"function-not-found"`
 * 
 * ## `"type-mismatch"`
 * 
 * ## `"internal"`
 * 
 * ## `"serialization-error"`
 * 
 * ## `"update-component-error"`
 * 
 * ## `"paused"`
 * 
 * ## `"out-of-memory"`
 * 
 * ## `"trap"`
 * 
 * ## `"permission-denied"`
 * 
 * ## `"guest-error"`
 * 
 * ## `"init-failed"`
 */
export type WitErrorType = 'operation-timeout' | 'channel-closed' | 'shutting-down' | 'function-not-found' | 'type-mismatch' | 'internal' | 'serialization-error' | 'update-component-error' | 'paused' | 'out-of-memory' | 'trap' | 'permission-denied' | 'guest-error' | 'init-failed';
export interface WitActorError {
  errorType: WitErrorType,
  data?: Uint8Array,
}

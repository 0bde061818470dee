/** @module Interface theater:simple/runtime **/
export function log(msg: string): void;
export function getState(): State;
export function getChain(): Array<ChainEvent>;
export function shutdown(data: State): void;
export type State = import('./theater-simple-types.js').State;
export type ChainEvent = import('./theater-simple-types.js').ChainEvent;

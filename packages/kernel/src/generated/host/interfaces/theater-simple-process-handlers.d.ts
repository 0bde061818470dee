/** @module Interface theater:simple/process-handlers **/
export function handleStdout(state: State, params: [bigint, Uint8Array]): [State];
export function handleStderr(state: State, params: [bigint, Uint8Array]): [State];
export function handleExit(state: State, params: [bigint, number]): [State];
export type State = import('./theater-simple-types.js').State;

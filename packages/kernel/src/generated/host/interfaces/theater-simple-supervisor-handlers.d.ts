/** @module Interface theater:simple/supervisor-handlers **/
export function handleChildError(state: State, params: [string, WitActorError]): [State];
export function handleChildExit(state: State, params: [string, State]): [State];
export type State = import('./theater-simple-types.js').State;
export type WitActorError = import('./theater-simple-types.js').WitActorError;

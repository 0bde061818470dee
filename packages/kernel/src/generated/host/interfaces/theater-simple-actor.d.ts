/** @module Interface theater:simple/actor **/
export function init(state: State, params: [string]): [State];
export type State = import('./theater-simple-types.js').State;

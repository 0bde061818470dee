/** @module Interface theater:simple/message-server-client **/
export function handleSend(state: State, params: [Uint8Array]): [State];
export function handleRequest(state: State, params: [string, Uint8Array]): [State, [Uint8Array | undefined]];
export function handleChannelOpen(state: State, params: [string, Uint8Array]): [State, [ChannelAccept]];
export function handleChannelMessage(state: State, params: [ChannelId, Uint8Array]): [State];
export function handleChannelClose(state: State, params: [ChannelId]): [State];
export type State = import('./theater-simple-types.js').State;
export type ChannelId = import('./theater-simple-types.js').ChannelId;
export type ChannelAccept = import('./theater-simple-types.js').ChannelAccept;

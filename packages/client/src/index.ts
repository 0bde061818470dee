/** @theater/client: a small typed client for Theater's operator API (`theater server`, `@theater/server`). */
export { TheaterClient } from './theaterClient.js';
export { TheaterApiError, isTheaterApiError, type ClientErrorCode } from './theaterApiError.js';
export { clientHome, discoverServer, runningServer, type DiscoverOptions, type FoundServer } from './discoverServer.js';
export type { TransportOptions } from './transport.js';
export type { ActorsApi, StartOptions } from './actorsApi.js';
export type { MessagesApi } from './messagesApi.js';
export type { ChannelsApi } from './channelsApi.js';
export type { Channel, ChannelClosed, ChannelCloser, ChannelOptions } from './channel.js';
export type { EventsApi, EventsPage, FollowOptions, ReadEventsOptions } from './eventsApi.js';
export type { ChainApi, VerifyOptions } from './chainApi.js';
export type { Session } from './session.js';
export { fromWireEvent, type ChainEvent } from './chainEvent.js';
export type { Payload } from './payload.js';
export type * from './apiTypes.js';

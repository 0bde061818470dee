/** @module Interface theater:simple/timing **/
export function now(): bigint;
export function sleep(durationMs: bigint): void;
export function deadline(timestampMs: bigint): void;

/** @module Interface theater:simple/random **/
export function randomBytes(size: number): Uint8Array;
export function randomRange(min: bigint, max: bigint): bigint;
export function randomFloat(): number;
export function generateUuid(): string;

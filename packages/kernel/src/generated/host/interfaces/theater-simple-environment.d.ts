/** @module Interface theater:simple/environment **/
export function getVar(name: string): string | undefined;
export function listVars(): Array<[string, string]>;
export function exists(name: string): boolean;

/** @module Interface theater:simple/process **/
export function osSpawn(config: ProcessConfig): bigint;
export function osWriteStdin(pid: bigint, data: Uint8Array): number;
export function osStatus(pid: bigint): ProcessStatus;
export function osSignal(pid: bigint, signal: number): void;
export function osKill(pid: bigint): void;
/**
 * # Variants
 * 
 * ## `"raw"`
 * 
 * ## `"line-by-line"`
 * 
 * ## `"json"`
 * 
 * ## `"chunked"`
 */
export type OutputMode = 'raw' | 'line-by-line' | 'json' | 'chunked';
export interface ProcessConfig {
  program: string,
  args: Array<string>,
  cwd?: string,
  env: Array<[string, string]>,
  bufferSize: number,
  stdoutMode: OutputMode,
  stderrMode: OutputMode,
  chunkSize?: number,
}
export interface ProcessStatus {
  pid: bigint,
  running: boolean,
  exitCode?: number,
  startTime: bigint,
}

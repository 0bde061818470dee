/**
 * Where an actor runs: its own worker (`dedicated`) or a scheduler worker shared with others (`shared`), chosen by the
 * manifest field `isolation`. The benchmarks place every actor through `placed`.
 */
import type { Isolation, Manifest } from '@theater/kernel';

export type { Isolation };

/** `manifest` placed as `isolation`. */
export function placed(manifest: Manifest, isolation: Isolation): Manifest {
  return { ...manifest, isolation };
}

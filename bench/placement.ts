/**
 * Where an actor runs: its own worker (`dedicated`) or a scheduler worker shared with others (`shared`), chosen by the
 * manifest field `isolation`. The benchmarks place every actor through `placed`, so the rows that need a placement
 * measure it as soon as the kernel reads the field; until then the field is ignored and the rows say so.
 */
import { parseManifest, type HandlerRegistry, type Manifest } from '@theater/kernel';

/** A manifest's placement. */
export type Isolation = 'dedicated' | 'shared';

/** `manifest` placed as `isolation` (the field is cast on: older kernels' Manifest type does not have it). */
export function placed(manifest: Manifest, isolation: Isolation): Manifest {
  return { ...manifest, isolation } as Manifest;
}

/** True when this kernel's manifests take `isolation` (a manifest naming it parses and keeps it). */
export function isolationSupported(handlers: HandlerRegistry): boolean {
  try {
    const manifest = parseManifest('name = "probe"\nversion = "0.1.0"\ncomponent = "probe.wasm"\nisolation = "shared"\n', {
      handlers,
      baseDir: '.',
    });
    return (manifest as Manifest & { readonly isolation?: string }).isolation === 'shared';
  } catch {
    return false;
  }
}

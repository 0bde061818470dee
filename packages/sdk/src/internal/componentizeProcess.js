/**
 * Child process that runs componentize-js once and sends the component back over IPC.
 *
 * componentize-js blocks its thread while wizer runs (`spawnSync`, which needs a real stdout, so not a worker
 * thread) and peaks near 800 MB, so each build runs in its own short-lived process. Plain JavaScript so that it
 * starts the same way under tsx, vitest and the compiled package.
 */
import { preopenHostRoot } from './hostRootPreopen.js';

/** @typedef {'stdio' | 'random' | 'clocks' | 'http' | 'fetch-event'} WasiFeature */
/** @typedef {{ sourcePath: string, witPath: string, worldName: string, disableFeatures: WasiFeature[] }} ComponentizeJob */
/** @typedef {{ ok: true, component: Uint8Array } | { ok: false, message: string, stack?: string }} ComponentizeReply */

/** @param {ComponentizeReply} reply */
function reply(reply) {
  if (process.send === undefined) throw new Error('componentizeProcess.js must be started with an IPC channel');
  process.send(reply, () => process.disconnect());
}

process.once('message', async (/** @type {ComponentizeJob} */ job) => {
  try {
    // Before componentize-js loads: its splicer reads the WIT and the bundle through preview2-shim's filesystem.
    await preopenHostRoot(['@bytecodealliance/componentize-js']);
    const { componentize } = await import('@bytecodealliance/componentize-js');
    const { component } = await componentize({
      sourcePath: job.sourcePath,
      witPath: job.witPath,
      worldName: job.worldName,
      disableFeatures: job.disableFeatures,
    });
    reply({ ok: true, component: new Uint8Array(component) });
  } catch (error) {
    reply(
      error instanceof Error
        ? { ok: false, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) }
        : { ok: false, message: String(error) },
    );
  }
});

/** Runs componentize-js in a child process (see componentizeProcess.js) and returns the component bytes. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WasiFeature } from '../buildActor.js';
import { SdkError } from '../sdkError.js';

/** What the child process needs: the bundled module, the WIT and world, and the WASI features to stub out. */
export interface ComponentizeJob {
  readonly sourcePath: string;
  readonly witPath: string;
  readonly worldName: string;
  readonly disableFeatures: readonly WasiFeature[];
}

type ComponentizeReply = { ok: true; component: Uint8Array } | { ok: false; message: string; stack?: string };

const processScript = fileURLToPath(new URL('./componentizeProcess.js', import.meta.url));

/** Componentizes the bundled module at `job.sourcePath`; failures become `componentize-failed`. */
export function componentizeInChild(job: ComponentizeJob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // No inherited execArgv: the script is plain JavaScript and must not run under the caller's loaders.
    const child = fork(processScript, [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-16_384);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let reply: ComponentizeReply | undefined;
    child.on('message', (message) => {
      reply = message as ComponentizeReply;
    });
    const fail = (message: string, cause: unknown): void => {
      const detail = output.trim() === '' ? '' : `\n${output.trim()}`;
      reject(new SdkError('componentize-failed', `componentize-js failed for world ${job.worldName}: ${message}${detail}`, { cause }));
    };
    child.on('error', (error) => fail(error.message, error));
    child.on('close', (code, signal) => {
      if (reply?.ok === true) resolve(reply.component);
      else if (reply !== undefined) {
        const cause = new Error(reply.message);
        if (reply.stack !== undefined) cause.stack = reply.stack;
        fail(reply.message, cause);
      } else fail(`the build process exited (${signal ?? `code ${String(code)}`}) without a result`, undefined);
    });
    child.send({ ...job, disableFeatures: [...job.disableFeatures] });
  });
}

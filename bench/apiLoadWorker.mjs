// The entry of the API benchmark's load worker: tsx (as `pnpm bench` runs) does not pass its loader to worker
// threads, so the worker registers it before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./apiLoad.ts');

/** Where the `theater:simple` WIT package lives: the repository's `wit/` folder, resolved from this package. */
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the `theater:simple` WIT folder that actors are built against by default.
 *
 * Both `src/` and `dist/` sit two levels below the repository root, so the same relative URL works for each.
 */
export const witPath: string = fileURLToPath(new URL('../../../wit', import.meta.url));

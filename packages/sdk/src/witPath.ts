/** Where the `theater:simple` WIT package lives: the `wit/` folder shipped inside this package. */
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the `theater:simple` WIT folder that actors are built against by default.
 *
 * The SDK's `generate` task copies the repository's `wit/` into the package's own `wit/`, which is published with it;
 * `src/` and `dist/` both sit one level below the package root, so the same relative URL works for each.
 */
export const witPath: string = fileURLToPath(new URL('../wit', import.meta.url));

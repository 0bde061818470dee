/**
 * The agent: the `agent` template's actor itself (`theater create <name> --template agent` writes the same file), so
 * the example and the template cannot drift apart. Built against the world manifest.toml grants (see build.ts).
 */
export { default } from '../../../apps/cli/templates/agent/src/index.js';

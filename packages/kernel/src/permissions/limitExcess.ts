/**
 * A child never gets more than its parent, limits and auditing included: each of its `[limits]` must be at most its
 * parent's, and it may not drop the chain (`save_chain = false`) where its parent keeps one, since an unaudited child
 * could act for its parent with nothing recorded.
 *
 * A limit the child's manifest leaves unset has its default, and is compared like any other: under a parent with a
 * lower limit, the child is refused with a message saying to set it, never silently lowered (the child's recorded
 * manifest then says exactly what it ran with).
 */
import type { Manifest, ManifestLimits } from '../manifest/index.js';

/** Each limit, with its name in the manifest. */
const LIMITS: readonly (readonly [keyof ManifestLimits, string])[] = [
  ['memoryMb', 'memory_mb'],
  ['callTimeoutMs', 'call_timeout_ms'],
  ['initTimeoutMs', 'init_timeout_ms'],
  ['mailbox', 'mailbox'],
];

/**
 * Why `child`'s limits and chain exceed `parent`'s, one sentence each; empty when they do not.
 * @example
 * limitExcess(child, parent); // ['limits.memory_mb 512 exceeds the parent\'s 256 (a limit left unset takes its default; set it to at most 256)']
 */
export function limitExcess(child: Manifest, parent: Manifest): string[] {
  const problems: string[] = [];
  for (const [key, name] of LIMITS) {
    const wanted = child.limits[key];
    const held = parent.limits[key];
    if (wanted > held)
      problems.push(
        `limits.${name} ${wanted} exceeds the parent's ${held} (a limit left unset takes its default; set it to at most ${held})`,
      );
  }
  if (parent.saveChain && !child.saveChain) problems.push("save_chain is false, but the parent's chain is saved");
  return problems;
}

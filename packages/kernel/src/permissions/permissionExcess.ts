/**
 * Effective permissions: a child spawned by a supervisor may not be granted more than its parent holds. Each of the
 * child's `[[handler]]`s must be held by one of the parent's handlers of the same type; what "held" means is the
 * handler's to say (`HandlerDefinition.excess`), since only it knows what its grant reaches. Its limits and its
 * chain are compared too (limitExcess.ts).
 */
import { toHandlerRegistry, type HandlerSource } from '../handlerRegistry.js';
import type { Manifest } from '../manifest/index.js';
import { limitExcess } from './limitExcess.js';

/**
 * Why `child`'s grants exceed `parent`'s under `handlers`, one sentence per excess handler, then per excess limit;
 * empty when they do not.
 * @example
 * permissionExcess(child, parent, defaultHandlers()); // ['handler "random": max_bytes 65 exceeds the parent\'s 64']
 */
export function permissionExcess(child: Manifest, parent: Manifest, handlers: HandlerSource): string[] {
  const registry = toHandlerRegistry(handlers);
  const problems: string[] = [];
  for (const wanted of child.handlers) {
    const held = parent.handlers.filter((config) => config.type === wanted.type);
    if (held.length === 0) {
      problems.push(`handler "${wanted.type}", which the parent does not have`);
      continue;
    }
    const excess = registry.get(wanted.type)?.excess;
    if (excess === undefined) continue;
    const reasons = held.map((config) => excess(wanted, config, { child, parent }));
    if (reasons.every((reason) => reason !== undefined)) problems.push(`handler "${wanted.type}": ${reasons[0]}`);
  }
  return [...problems, ...limitExcess(child, parent)];
}

/**
 * The handlers an actor system knows, by type. Everything the kernel does with a handler goes through here: manifest
 * validation (each `[[handler]]` table by its definition's schema), the pre-instantiation check, permission checks at
 * spawn and the worlds `theater build` builds. The kernel itself names no handler.
 */
import { WIT_INTERFACES, type WitInterface } from './generated/witInterfaces.js';
import type { HandlerDefinition } from './handler.js';
import { KernelError } from './kernelError.js';

/** A registry, or the definitions to build one from. */
export type HandlerSource = HandlerRegistry | readonly HandlerDefinition[];

/** Handler definitions by type, in the order given (the order the manifest reference lists them in). */
export class HandlerRegistry {
  readonly definitions: readonly HandlerDefinition[];
  /** Every WIT interface a component may use with these handlers: theater:simple's, and those definitions bring. */
  readonly interfaces: Readonly<Record<string, WitInterface>>;
  readonly #byType: ReadonlyMap<string, HandlerDefinition>;

  /**
   * Throws a KernelError `duplicate-handler` when two definitions share a type, or describe the same interface (or
   * one of theater:simple's) again.
   */
  constructor(definitions: readonly HandlerDefinition[]) {
    const byType = new Map<string, HandlerDefinition>();
    const interfaces: Record<string, WitInterface> = { ...WIT_INTERFACES };
    for (const definition of definitions) {
      if (byType.has(definition.type)) {
        throw new KernelError('duplicate-handler', `two handler definitions have the type "${definition.type}"`);
      }
      byType.set(definition.type, definition);
      for (const [name, description] of Object.entries(definition.interfaces ?? {})) {
        if (name in interfaces) {
          const owner = name in WIT_INTERFACES ? 'theater:simple' : 'another handler definition';
          throw new KernelError('duplicate-handler', `handler "${definition.type}" describes ${name}, which ${owner} already describes`);
        }
        interfaces[name] = description;
      }
    }
    this.definitions = Object.freeze([...definitions]);
    this.interfaces = Object.freeze(interfaces);
    this.#byType = byType;
  }

  /** The definition of `type`, if registered. */
  get(type: string): HandlerDefinition | undefined {
    return this.#byType.get(type);
  }

  /** Every registered type, in registration order. */
  types(): string[] {
    return this.definitions.map((definition) => definition.type);
  }

  /** The first registered handler providing the WIT interface `name` (`theater:simple/timing`), if any. */
  providerOf(name: string): HandlerDefinition | undefined {
    return this.definitions.find((definition) => definition.provides.includes(name));
  }
}

/** `handlers` as a registry: itself, or a new one of those definitions. */
export function toHandlerRegistry(handlers: HandlerSource): HandlerRegistry {
  return handlers instanceof HandlerRegistry ? handlers : new HandlerRegistry(handlers);
}

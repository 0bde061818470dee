/**
 * A handler definition wrapped to count, per actor, what the kernel asked of it: instances created, calls of each
 * host function, and exit cleanups registered and run. The wrapped definition behaves exactly like the original.
 */
import type { HandlerConfig, HandlerContext, HandlerDefinition, HostFunction, HostImplementation } from '@theater/kernel';

/** What one actor's instances of the handler were asked to do. */
export interface HandlerUse {
  readonly created: number;
  /** Calls by `<interface>.<js function name>`. */
  readonly calls: ReadonlyMap<string, number>;
  readonly cleanupsRegistered: number;
  readonly cleanupsRun: number;
  /** Messages of cleanups that threw. */
  readonly cleanupsFailed: readonly string[];
}

/** A counting wrapper of a definition. */
export interface CallCounter<C extends HandlerConfig> {
  readonly definition: HandlerDefinition<C>;
  /** A copy of what the handler was asked to do for `actorId` so far. */
  use(actorId: string): HandlerUse;
}

interface MutableUse {
  created: number;
  calls: Map<string, number>;
  cleanupsRegistered: number;
  cleanupsRun: number;
  cleanupsFailed: string[];
}

/** Wraps `definition` so that every instance, host call and cleanup is counted by actor. */
export function countCalls<C extends HandlerConfig>(definition: HandlerDefinition<C>): CallCounter<C> {
  const uses = new Map<string, MutableUse>();
  const useOf = (actorId: string): MutableUse => {
    let use = uses.get(actorId);
    if (use === undefined) {
      use = { created: 0, calls: new Map(), cleanupsRegistered: 0, cleanupsRun: 0, cleanupsFailed: [] };
      uses.set(actorId, use);
    }
    return use;
  };
  const create = (context: HandlerContext<C>): HostImplementation => {
    const use = useOf(context.actorId);
    use.created++;
    const counted: HandlerContext<C> = {
      ...context,
      onExit(cleanup) {
        use.cleanupsRegistered++;
        context.onExit(async () => {
          try {
            await cleanup();
          } catch (error) {
            use.cleanupsFailed.push(String(error));
            throw error;
          } finally {
            use.cleanupsRun++;
          }
        });
      },
    };
    const host = definition.create(counted);
    return Object.fromEntries(
      Object.entries(host).map(([iface, functions]) => [
        iface,
        Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, counting(fn, `${iface}.${name}`, use)])),
      ]),
    );
  };
  return {
    definition: { ...definition, create },
    use(actorId) {
      const use = useOf(actorId);
      return { ...use, calls: new Map(use.calls), cleanupsFailed: [...use.cleanupsFailed] };
    },
  };
}

function counting(fn: HostFunction, key: string, use: MutableUse): HostFunction {
  const wrapper = (...args: never[]): unknown => {
    use.calls.set(key, (use.calls.get(key) ?? 0) + 1);
    return fn(...args);
  };
  // Marks the kernel reads from a host function (its redaction, see `redacting`) must survive the wrapping, or a
  // secret would reach the chain in clear.
  for (const symbol of Object.getOwnPropertySymbols(fn))
    Object.defineProperty(wrapper, symbol, Object.getOwnPropertyDescriptor(fn, symbol)!);
  return wrapper;
}

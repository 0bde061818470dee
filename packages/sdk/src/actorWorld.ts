/** The world an actor is built against: a world the WIT names, or one derived from the capabilities it is granted. */

/**
 * A world made of `theater:simple` interfaces, e.g. from an actor manifest's handlers (`theater build` derives one):
 * the component imports exactly `imports`, and exports `actor` plus `exports`, plus each of `optionalExports` that
 * the actor implements.
 */
export interface DerivedWorld {
  /** Interfaces the component may import, as `theater:simple/<name>` (or just `<name>`). */
  readonly imports: readonly string[];
  /** Interfaces the component must export besides `theater:simple/actor`. */
  readonly exports: readonly string[];
  /**
   * Interfaces exported only when the actor implements them (a named export such as `supervisorHandlers`, or any
   * `defineActor` actor, which implements every interface).
   */
  readonly optionalExports?: readonly string[];
}

/** A world's name in the WIT at `witPath`, or a {@link DerivedWorld}. */
export type ActorWorld = string | DerivedWorld;

/** The WIT package every world here is made of. */
export const WIT_PACKAGE = 'theater:simple';

/** `theater:simple/<name>` for `<name>` or an already qualified name. */
export function qualifiedInterface(name: string): string {
  return name.includes('/') ? name : `${WIT_PACKAGE}/${name}`;
}

/** The JavaScript name componentize-js gives an exported interface: `message-server-client` → `messageServerClient`. */
export function exportName(iface: string): string {
  const local = iface.slice(iface.lastIndexOf('/') + 1);
  return local.replace(/-([a-z0-9])/gu, (_, letter: string) => letter.toUpperCase());
}

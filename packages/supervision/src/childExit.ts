/** How a supervised child ended, as the supervisor sees it: the input to every restart decision. */

/**
 * A child's exit. `normal` and `shutdown` are orderly exits (OTP `normal`, `shutdown`, `{shutdown, Term}`);
 * `failed` is an abnormal exit, with the reason reported for it.
 */
export type ChildExit = { readonly kind: 'normal' } | { readonly kind: 'shutdown' } | { readonly kind: 'failed'; readonly reason: string };

/** True when the exit is abnormal: the only kind of exit that restarts a `transient` child. */
export function isAbnormalExit(exit: ChildExit): boolean {
  switch (exit.kind) {
    case 'failed':
      return true;
    case 'normal':
    case 'shutdown':
      return false;
    default: {
      const unknown: never = exit;
      throw new RangeError(
        `unknown child exit kind ${JSON.stringify((unknown as { kind: unknown }).kind)}; expected normal, shutdown or failed`,
      );
    }
  }
}

/** The CLI's exit-code policy: every command ends with one of these. */

/** Exit codes of every `theater` command. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** The work ran and failed: the actor failed (init, trap, guest error, timeout, out of memory), the build failed, or a chain did not verify. */
  failed: 1,
  /**
   * Bad input: an invalid manifest, a component the manifest does not allow, a missing file, a malformed chain (also
   * when replay finds the malformed data only as it reaches it); refused, with nothing changed.
   */
  badInput: 2,
} as const;

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

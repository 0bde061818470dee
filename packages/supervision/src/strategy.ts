/** Supervision strategies and the manifest's `[supervision]` table, as the kernel validates and applies them. */

/** How a supervisor restarts its children when one exits (OTP `one_for_one`, `one_for_all`, `rest_for_one`). */
export const SUPERVISION_STRATEGIES = ['one-for-one', 'one-for-all', 'rest-for-one'] as const;

/** A supervision strategy. */
export type SupervisionStrategy = (typeof SUPERVISION_STRATEGIES)[number];

/** How an actor supervises its children, and how often it may restart them. */
export interface SupervisionSettings {
  readonly strategy: SupervisionStrategy;
  readonly maxRestarts: number;
  readonly withinMs: number;
}

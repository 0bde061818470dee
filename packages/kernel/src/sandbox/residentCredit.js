// @ts-check
/**
 * A resident's send credit, as its scheduler worker holds it (the kernel's ledger is messaging/sendCredit.ts): how
 * many more sends to each target the worker may answer ok at once and report one-way. It is earned with the reply to
 * a blocking send and dropped when the operation ends, in step with the kernel, which counts the same sends in the
 * same order.
 */

/**
 * Takes one send of credit for `target`; false (nothing taken) when there is none left.
 * @param {import('./residentInstance.js').Resident} resident @param {unknown} target
 */
export function spendCredit(resident, target) {
  const credits = resident.credits;
  if (credits === undefined || typeof target !== 'string') return false;
  const left = credits.get(target);
  if (left === undefined || left === 0) return false;
  credits.set(target, left - 1);
  return true;
}

/**
 * The kernel granted `credit` sends to `target` with the reply to a blocking send.
 * @param {import('./residentInstance.js').Resident} resident @param {unknown} target @param {number | undefined} credit
 */
export function earnCredit(resident, target, credit) {
  if (credit === undefined || credit <= 0 || typeof target !== 'string') return;
  resident.credits ??= new Map();
  resident.credits.set(target, credit);
}

/**
 * The operation that held the credit ended.
 * @param {import('./residentInstance.js').Resident} resident
 */
export function dropCredit(resident) {
  resident.credits = undefined;
}

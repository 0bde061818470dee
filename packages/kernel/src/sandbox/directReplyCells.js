// @ts-check
/**
 * Reply cells: who answers a requester's blocking call when its target runs in the same worker. The kernel marks the
 * target's handle-request with the requester's call (offerReply); when the target returns a reply, the worker resumes
 * the requester with it at once (takeReply), without a round trip through the kernel. A failure that settles the
 * request first (its timeout, an actor ending) must go through claimReply. One compare-and-swap on the call's cell
 * decides, so the worker and the kernel never both answer: the requester sees exactly the outcome its chain records.
 */
import { CONTROL } from './workerProtocol.js';

/**
 * Int32 index of the cell of blocking call `call` in the control block. Cells are reused modulo their count; a cell
 * holds the full call number (its negation once the worker took it), so a reused cell never answers another call.
 */
export function replyCell(/** @type {number} */ call) {
  return CONTROL.replyCellByte / 4 + (call % CONTROL.replyCells);
}

/** Kernel: the worker may answer call `call` with its target's reply. */
export function offerReply(/** @type {Int32Array} */ control, /** @type {number} */ call) {
  Atomics.store(control, replyCell(call), call);
}

/** Worker: takes the answering of `call`; false when it was not offered or the kernel has claimed it. */
export function takeReply(/** @type {Int32Array} */ control, /** @type {number} */ call) {
  return Atomics.compareExchange(control, replyCell(call), call, -call) === call;
}

/** Kernel: claims the answering of `call` for a failure; false when the worker has taken it (its reply stands). */
export function claimReply(/** @type {Int32Array} */ control, /** @type {number} */ call) {
  return Atomics.compareExchange(control, replyCell(call), call, 0) !== -call;
}

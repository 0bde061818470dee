/** Who answers a requester's blocking call when its target is a co-resident (src/sandbox/directReplyCells.js). */
import { describe, expect, it } from 'vitest';
import { claimReply, offerReply, takeReply } from '../src/sandbox/directReplyCells.js';
import { CONTROL } from '../src/sandbox/workerProtocol.js';

const control = (): Int32Array => new Int32Array(new SharedArrayBuffer(CONTROL.bytes));

describe('reply cells', () => {
  it('let the worker answer an offered call, after which the kernel cannot', () => {
    const cells = control();
    offerReply(cells, 5);
    expect(takeReply(cells, 5)).toBe(true);
    expect(claimReply(cells, 5)).toBe(false);
    expect(takeReply(cells, 5)).toBe(false);
  });

  it('let the kernel claim an offered call, after which the worker cannot', () => {
    const cells = control();
    offerReply(cells, 5);
    expect(claimReply(cells, 5)).toBe(true);
    expect(takeReply(cells, 5)).toBe(false);
  });

  it('leave a call never offered to the kernel', () => {
    const cells = control();
    expect(takeReply(cells, 3)).toBe(false);
    expect(claimReply(cells, 3)).toBe(true);
  });

  it('never answer a call whose cell a later call took over', () => {
    const cells = control();
    offerReply(cells, 2);
    offerReply(cells, 2 + CONTROL.replyCells);
    expect(takeReply(cells, 2)).toBe(false);
    expect(claimReply(cells, 2)).toBe(true);
    expect(takeReply(cells, 2 + CONTROL.replyCells)).toBe(true);
    expect(claimReply(cells, 2)).toBe(true);
    expect(claimReply(cells, 2 + CONTROL.replyCells)).toBe(false);
  });

  it('stay clear of the frames of the control block', () => {
    const cells = control();
    offerReply(cells, CONTROL.replyCells - 1);
    expect(cells.subarray(0, CONTROL.replyCellByte / 4).every((value) => value === 0)).toBe(true);
  });
});

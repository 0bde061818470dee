/** How the actor commands draw actors: uptimes, the table and the tree (colours stripped: they show only on a terminal). */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ActorView, TreeNode } from '@theater/client';
import { actorTable, formatUptime, shortId, treeLines } from '../src/lib/actorTable.js';

const actor = (id: string, name: string, changes: Partial<ActorView> = {}): ActorView => ({
  id: `${id}-0000-4000-8000-000000000000`,
  name,
  status: 'running',
  parentId: null,
  componentHash: 'ab'.repeat(32),
  startedAt: '2026-12-02T04:00:00.000Z',
  uptimeMs: 65_000,
  ...changes,
});
const node = (view: ActorView, children: TreeNode[] = []): TreeNode => ({ actor: view, children });

describe('formatUptime', () => {
  it('shows milliseconds, seconds, minutes, hours and days as people read them', () => {
    expect([850, 42_400, 303_000, 2 * 3_600_000 + 7 * 60_000, 3 * 86_400_000 + 4 * 3_600_000].map(formatUptime)).toEqual([
      '850 ms',
      '42s',
      '5m 03s',
      '2h 07m',
      '3d 04h',
    ]);
  });
});

describe('actorTable', () => {
  it('lines up short ids, names, statuses, parents, uptimes and component prefixes under a header', () => {
    const rows = actorTable([
      actor('11111111', 'overseer'),
      actor('22222222', 'echo', { parentId: '11111111-0000-4000-8000-000000000000', status: 'stopped', uptimeMs: null, startedAt: null }),
    ]);
    expect(rows.map(stripVTControlCharacters)).toEqual([
      'ID        NAME      STATUS   PARENT    UPTIME  COMPONENT',
      '11111111  overseer  running  -         1m 05s  abababababab',
      '22222222  echo      stopped  11111111  -       abababababab',
    ]);
    expect(shortId('7ff553ef-bdf2-4272-8a41-55e72db4b776')).toBe('7ff553ef');
  });
});

describe('treeLines', () => {
  it('draws children under their parent with box characters, nested ones indented further', () => {
    const tree = [
      node(actor('11111111', 'root'), [node(actor('22222222', 'a'), [node(actor('44444444', 'deep'))]), node(actor('33333333', 'b'))]),
      node(actor('55555555', 'alone', { status: 'failed', uptimeMs: null, failure: { reason: 'trap', message: 'unreachable' } })),
    ];
    expect(treeLines(tree).map(stripVTControlCharacters)).toEqual([
      'root 11111111 running 1m 05s',
      '├─ a 22222222 running 1m 05s',
      '│  └─ deep 44444444 running 1m 05s',
      '└─ b 33333333 running 1m 05s',
      'alone 55555555 failed (trap: unreachable)',
    ]);
  });
});

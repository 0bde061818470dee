/** How the actor commands (`list`, `tree`, `inspect`, `start`, …) show actors to a person: short ids, uptimes, a table. */
import type { ActorStatus, ActorView, TreeNode } from '@theater/client';
import pc from 'picocolors';

/** The characters of an id shown to a person; any unique prefix of 4 or more is accepted back. */
const SHORT_ID = 8;

/** The first {@link SHORT_ID} characters of an id. */
export function shortId(id: string): string {
  return id.slice(0, SHORT_ID);
}

/** An uptime as people read it: `850 ms`, `42s`, `5m 03s`, `2h 07m`, `3d 04h`. */
export function formatUptime(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${two(seconds % 60)}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${two(Math.floor(seconds / 60) % 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${two(Math.floor(seconds / 3600) % 24)}h`;
}

/** A status, coloured by what it means (picocolors drops colours off a terminal and under NO_COLOR). */
export function formatStatus(status: ActorStatus, shown: string = status): string {
  if (status === 'running') return pc.green(shown);
  if (status === 'failed') return pc.red(shown);
  if (status === 'stopped') return pc.dim(shown);
  return pc.yellow(shown);
}

/** The rows of a table of actors: id, name, status, parent, uptime and component, padded to line up. */
export function actorTable(actors: readonly ActorView[]): string[] {
  const header = ['ID', 'NAME', 'STATUS', 'PARENT', 'UPTIME', 'COMPONENT'];
  const rows = actors.map((actor) => [
    shortId(actor.id),
    actor.name,
    actor.status,
    actor.parentId === null ? '-' : shortId(actor.parentId),
    actor.uptimeMs === null ? '-' : formatUptime(actor.uptimeMs),
    actor.componentHash === '' ? '-' : actor.componentHash.slice(0, 12),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[], colour: (cell: string, column: number) => string): string =>
    // The last cell is not padded: trailing spaces inside its colour codes would survive a trimEnd.
    cells.map((cell, column) => colour(column === cells.length - 1 ? cell : cell.padEnd(widths[column]!), column)).join('  ');
  return [
    line(header, (cell) => pc.bold(cell)),
    ...rows.map((row, index) => line(row, (cell, column) => (column === 2 ? formatStatus(actors[index]!.status, cell) : cell))),
  ];
}

/** One line naming an actor: `echo 7ff553ef running 5m 03s`. */
function actorLine(actor: ActorView): string {
  const uptime = actor.uptimeMs === null ? '' : ` ${pc.dim(formatUptime(actor.uptimeMs))}`;
  const failure = actor.failure === undefined ? '' : ` ${pc.dim(`(${actor.failure.reason}: ${actor.failure.message})`)}`;
  return `${actor.name} ${pc.cyan(shortId(actor.id))} ${formatStatus(actor.status)}${uptime}${failure}`;
}

/** The tree drawn with box characters: roots flush left, each child under its parent. */
export function treeLines(roots: readonly TreeNode[]): string[] {
  const lines: string[] = [];
  const walk = (nodes: readonly TreeNode[], indent: string, top: boolean): void => {
    nodes.forEach((node, index) => {
      const last = index === nodes.length - 1;
      lines.push(top ? actorLine(node.actor) : `${indent}${last ? '└─ ' : '├─ '}${actorLine(node.actor)}`);
      walk(node.children, top ? '' : `${indent}${last ? '   ' : '│  '}`, false);
    });
  };
  walk(roots, '', true);
  return lines;
}

/**
 * How a command reaches a running server: `--server <url>` (or `THEATER_SERVER`) and `THEATER_TOKEN` override; else
 * the server that runs on the home (its `server.json` and `server.token`). A command that needs one and finds none
 * says how to start it (exit 2).
 */
import { Flags } from '@oclif/core';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';
import { TheaterClient, discoverServer, isTheaterApiError, runningServer, clientHome } from '@theater/client';

/** The flags of every command that talks to a server. */
export const serverFlags = {
  server: Flags.string({
    description: "The server's URL. Default: $THEATER_SERVER, else the server running on the home (its server.json).",
    helpValue: '<url>',
  }),
  home: Flags.string({ description: 'Theater home whose server to use. Default: $THEATER_HOME, else ~/.theater.' }),
};

/** A client for the server the flags name; `server-not-running` / `token-missing` otherwise (see toCommandFailure). */
export async function connectToServer(flags: {
  readonly server?: string | undefined;
  readonly home?: string | undefined;
}): Promise<TheaterClient> {
  const found = await discoverServer({
    ...(flags.home === undefined ? {} : { home: flags.home }),
    ...(flags.server === undefined ? {} : { server: flags.server }),
  });
  return new TheaterClient({ url: found.url, token: found.token });
}

/**
 * A client for the server running on the home, if one does (for commands that also work without a server: `events`,
 * `chain`, `replay`); undefined when none does, so the command reads the store itself.
 */
export async function serverOnHome(home: string | undefined): Promise<TheaterClient | undefined> {
  const explicit = process.env['THEATER_SERVER'];
  if ((explicit === undefined || explicit === '') && (await runningServer(clientHome(home))) === undefined) return undefined;
  try {
    return await connectToServer({ home });
  } catch (error) {
    if (isTheaterApiError(error, 'server-not-running')) return undefined;
    throw error;
  }
}

/**
 * Refuses a one-shot command that would open the home's store (`theater run`) while a server holds it: it would
 * fail with `chain-store-unavailable`; the actor can run in the server instead.
 */
export async function refuseServedHome(home: string | undefined): Promise<void> {
  const dir = clientHome(home);
  const server = await confirmedServer(dir);
  if (server === undefined) return;
  const message = `a server (pid ${server.pid}) runs on ${dir} at ${server.url} and holds its chain store`;
  const lines = [`server-running: ${message}`, 'run the actor in it with `theater start <manifest>`, or give another --home'];
  throw new CommandFailure(EXIT.badInput, lines, { error: { code: 'server-running', message, url: server.url, pid: server.pid } });
}

/**
 * The server the home's `server.json` names, once it has answered as that process (`GET /v1/health` with the home's
 * token gives the same pid): a pid reused by another program after a crash is not a server.
 */
export async function confirmedServer(home: string): Promise<{ readonly url: string; readonly pid: number } | undefined> {
  const server = await runningServer(home);
  if (server === undefined) return undefined;
  try {
    const client = await TheaterClient.connect({ home, server: server.url, timeoutMs: 10_000 });
    return (await client.health()).pid === server.pid ? server : undefined;
  } catch {
    return undefined;
  }
}

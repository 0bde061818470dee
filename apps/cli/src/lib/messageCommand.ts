/** What `theater message send` and `theater message request` share: their arguments, flags and how the message is read. */
import { Args, Flags } from '@oclif/core';
import type { Payload } from '@theater/client';
import { resolvePayload, takeJsonPayload } from './messagePayload.js';
import { serverFlags } from './serverConnection.js';

/** The actor and the text argument; `noun` names what the text is in the help. */
export function messageArgs(noun: 'message' | 'request') {
  return {
    'actor-id': Args.string({ description: 'The actor: its id, or a unique prefix of at least 4 characters.', required: true }),
    text: Args.string({ description: `The ${noun} as text (UTF-8).`, required: false }),
  };
}

export const messageFlags = {
  file: Flags.string({ char: 'f', description: "Send this file's bytes.", helpValue: '<path>' }),
  ...serverFlags,
};

/** A message command's parsed input. */
export interface MessageInput<F> {
  readonly actorId: string;
  readonly payload: Payload;
  readonly flags: F;
}

/**
 * Parses a message command: `--json <value>` right after the id is the message and is taken out of its argv first
 * (oclif reads `--json` from the command's argv as the output flag), then the one message is read.
 */
export async function readMessageInput<F extends { readonly file?: string | undefined }>(
  command: { argv: string[] },
  parse: (
    argv: string[],
  ) => Promise<{ readonly args: { readonly 'actor-id': string; readonly text?: string | undefined }; readonly flags: F }>,
): Promise<MessageInput<F>> {
  const { argv, json } = takeJsonPayload(command.argv);
  command.argv = argv;
  const { args, flags } = await parse(argv);
  const payload = await resolvePayload({ text: args.text, json, file: flags.file });
  return { actorId: args['actor-id'], payload, flags };
}

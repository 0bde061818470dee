import { describe, expect, it } from 'vitest';
import * as defined from './fixtures/notes-defined.js';
import * as raw from './fixtures/notes-raw.js';

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/** Runs the same session against one notes actor and returns what it answered and its final state. */
function session(notes: typeof raw | typeof defined): string[] {
  let [state] = notes.actor.init(undefined, ['n1']);
  [state] = notes.messageServerClient.handleSend(state, [json({ add: 'milk' })]);
  [state] = notes.messageServerClient.handleSend(state, [json({ add: 'eggs' })]);
  const [, [count]] = notes.messageServerClient.handleRequest(state, ['r1', json({ count: true })]);
  const [, [list]] = notes.messageServerClient.handleRequest(state, ['r2', json({ list: true })]);
  const [, [channel]] = notes.messageServerClient.handleChannelOpen(state, ['c1', json('hi')]);
  return [text(count), text(list), JSON.stringify(channel), text(state)];
}

describe('the notes actor written twice (test/fixtures)', () => {
  it('behaves the same with raw exports and with defineActor', () => {
    expect(session(raw)).toEqual(['{"ok":{"count":2}}', '{"ok":["milk","eggs"]}', '{"accepted":false}', '{"notes":["milk","eggs"]}']);
    expect(session(defined)).toEqual(session(raw));
  });
});

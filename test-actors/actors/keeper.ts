/**
 * keeper (world keeper-actor): drives every `store` function from text requests. Content travels as the text after
 * the last named argument (it may contain spaces, or be empty); a content ref is its hash. Replies say what the host
 * returned (`error:<message>` for an `err`):
 *
 * - `new`: the new store's id. `put <store> <text>`: the hash. `get <store> <hash>`: the content as text.
 * - `exists <store> <hash>`: `true`/`false`. `label <store> <label> <hash>`, `unlabel <store> <label>`,
 *   `unlabelref <store> <label> <hash>`, `replaceat <store> <label> <hash>`: `ok`.
 * - `bylabel <store> <label>`: the hash, or `none`. `putat <store> <label> <text>`, `replacecontent <store> <label>
 *   <text>`: the hash.
 * - `labels <store>`: the labels as JSON. `all <store>`: the hashes as JSON. `size <store>`: the total bytes.
 */
import {
  calculateTotalSize,
  exists,
  get,
  getByLabel,
  label,
  listAllContent,
  listLabels,
  new as newStore,
  removeFromLabel,
  removeLabel,
  replaceAtLabel,
  replaceContentAtLabel,
  store,
  storeAtLabel,
} from 'theater:simple/store';
import { decodeText, encodeText } from '@theater/sdk/guest';
import { attempt } from './shared/attempt.js';
import { commandServer, statelessActor } from './shared/commandActor.js';

/** The first `count` space-separated words of `text`, then everything after them (possibly empty). */
function words(text: string, count: number): [string[], string] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const space = rest.indexOf(' ');
    parts.push(space < 0 ? rest : rest.slice(0, space));
    rest = space < 0 ? '' : rest.slice(space + 1);
  }
  return [parts, rest];
}

function command(text: string): string {
  const [[verb = '', id = '', second = ''], tail] = words(text, 3);
  const third = words(tail, 1)[0][0] ?? '';
  // For `put` the content starts after the store id; for the labelled forms, after the label.
  const afterId = words(text, 2)[1];
  switch (verb) {
    case 'new':
      return attempt(() => newStore());
    case 'put':
      return attempt(() => store(id, encodeText(afterId)).hash);
    case 'get':
      return attempt(() => decodeText(get(id, { hash: second })));
    case 'exists':
      return attempt(() => String(exists(id, { hash: second })));
    case 'label':
      return attempt(() => (label(id, second, { hash: third }), 'ok'));
    case 'bylabel':
      return attempt(() => getByLabel(id, second)?.hash ?? 'none');
    case 'unlabel':
      return attempt(() => (removeLabel(id, second), 'ok'));
    case 'unlabelref':
      return attempt(() => (removeFromLabel(id, second, { hash: third }), 'ok'));
    case 'putat':
      return attempt(() => storeAtLabel(id, second, encodeText(tail)).hash);
    case 'replacecontent':
      return attempt(() => replaceContentAtLabel(id, second, encodeText(tail)).hash);
    case 'replaceat':
      return attempt(() => (replaceAtLabel(id, second, { hash: third }), 'ok'));
    case 'labels':
      return attempt(() => JSON.stringify(listLabels(id)));
    case 'all':
      return attempt(() => JSON.stringify(listAllContent(id).map((ref) => ref.hash)));
    case 'size':
      return attempt(() => String(calculateTotalSize(id)));
    default:
      return `unknown command ${verb}`;
  }
}

export const actor = statelessActor;

export const messageServerClient = commandServer(command);

/**
 * The messages `theater run` delivers, in command-line order. oclif groups repeated flags by name (all `--send`
 * values, then all `--request` values), so the interleaving is recovered from the raw argv. A value attached to its
 * flag (`--send=<text>`, `-s<text>`) is taken as written, even one that looks like a flag (`--send=--json`), which
 * oclif would refuse as a missing value: those tokens are kept from oclif ({@link withoutAttachedMessages}).
 */

/** One message to deliver: a one-way send or a request that expects a reply. */
export interface PlannedMessage {
  readonly kind: 'send' | 'request';
  readonly text: string;
}

const KINDS: Readonly<Record<string, PlannedMessage['kind']>> = {
  '--send': 'send',
  '-s': 'send',
  '--request': 'request',
  '-r': 'request',
};

/**
 * Interleaves the parsed `--send` and `--request` values in the order their flags appear in `argv`.
 * @example
 * planMessages(['m.toml', '--send', 'a', '--request', 'b', '--send', 'c'], ['a', 'c'], ['b']);
 * // [{ kind: 'send', text: 'a' }, { kind: 'request', text: 'b' }, { kind: 'send', text: 'c' }]
 */
export function planMessages(argv: readonly string[], sends: readonly string[], requests: readonly string[]): PlannedMessage[] {
  const values = { send: [...sends], request: [...requests] };
  const plan: PlannedMessage[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index]!;
    if (token === '--') break;
    const kind = flagKind(token);
    if (kind === undefined) continue;
    const attached = attachedText(token);
    const text = attached ?? values[kind].shift();
    if (text !== undefined) plan.push({ kind, text });
    // `--send value` consumes the next token, which must not be read as a flag even when it looks like one.
    if (KINDS[token] !== undefined) index += 1;
  }
  // Anything the scan missed (an unusual spelling) is still delivered, sends before requests.
  for (const text of values.send) plan.push({ kind: 'send', text });
  for (const text of values.request) plan.push({ kind: 'request', text });
  return plan;
}

/**
 * `argv` without the message flags whose value is attached (`--send=<text>`, `-s=<text>`, `-s<text>`), for oclif to
 * parse: {@link planMessages} takes their values from the tokens themselves.
 * @example
 * withoutAttachedMessages(['m.toml', '--send=--json', '--request', 'count']); // ['m.toml', '--request', 'count']
 */
export function withoutAttachedMessages(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index]!;
    if (token === '--') {
      kept.push(...argv.slice(index));
      break;
    }
    if (KINDS[token] !== undefined) {
      // `--send value`: the value is oclif's to read, whatever it looks like.
      kept.push(token, ...argv.slice(index + 1, index + 2));
      index += 1;
      continue;
    }
    if (flagKind(token) !== undefined && attachedText(token) !== undefined) continue;
    kept.push(token);
  }
  return kept;
}

/** The value attached to a message flag token, as oclif reads it; undefined for a bare flag. */
function attachedText(token: string): string | undefined {
  if (KINDS[token] !== undefined) return undefined;
  if (token.startsWith('--')) {
    const equals = token.indexOf('=');
    return equals > 0 ? token.slice(equals + 1) : undefined;
  }
  // `-s=hello` and `-shello` both mean "hello".
  return token[2] === '=' ? token.slice(3) : token.slice(2);
}

function flagKind(token: string): PlannedMessage['kind'] | undefined {
  const exact = KINDS[token];
  if (exact !== undefined) return exact;
  const equals = token.indexOf('=');
  if (token.startsWith('--') && equals > 0) return KINDS[token.slice(0, equals)];
  // `-shello`: a short flag with its value attached.
  if (/^-[sr]./u.test(token)) return KINDS[token.slice(0, 2)];
  return undefined;
}

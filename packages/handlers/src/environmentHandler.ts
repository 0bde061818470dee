/**
 * The `environment` handler: the host's environment variables an actor's manifest permits. A variable is visible
 * when it is named in `allowed_vars` or starts with one of `allowed_prefixes`, and is not in `denied_vars` (which
 * wins). `list-vars` lists the visible variables only when `allow_list_all` is set; otherwise it lists none. A
 * variable that is not visible reads as absent, exactly like one that does not exist, so its existence leaks nothing.
 *
 * A variable in `secret_vars` reads as usual, but its value never reaches the chain: `get-var` and `list-vars` record
 * `[redacted]` in its place (see the kernel's `redacting`), and a replay hands the actor that string. Whether it is
 * set is recorded, since the actor's behaviour depends on it.
 */
import {
  boolean,
  handlerType,
  KernelError,
  redacting,
  stringList,
  table,
  type HandlerDefinition,
  type HostInterfaces,
} from '@theater/kernel';

type EnvironmentHost = Pick<HostInterfaces, 'theater:simple/environment'>;

/** True when `config` names `name` in allowed_vars or allowed_prefixes (denied or not). */
function listed(config: EnvironmentHandlerConfig, name: string): boolean {
  return config.allowedVars.includes(name) || config.allowedPrefixes.some((prefix) => prefix !== '' && name.startsWith(prefix));
}

/** Whether a variable is visible under `config`: listed, and not denied. */
function visibility(config: EnvironmentHandlerConfig): (name: string) => boolean {
  const denied = new Set(config.deniedVars);
  return (name) => !denied.has(name) && listed(config, name);
}

/** `type = "environment"`: read environment variables through allow/deny lists and prefixes. */
export interface EnvironmentHandlerConfig {
  readonly type: 'environment';
  readonly allowedVars: readonly string[];
  readonly deniedVars: readonly string[];
  readonly allowedPrefixes: readonly string[];
  readonly allowListAll: boolean;
  /** Variables read but never recorded in clear (see the handlers README); absent when none are. */
  readonly secretVars?: readonly string[];
}

const configSchema = table({
  type: handlerType('environment'),
  allowed_vars: stringList().default([]).describe('Environment variables the actor may read, by name.'),
  denied_vars: stringList().default([]).describe('Variables the actor may never read, even when otherwise allowed (this list wins).'),
  allowed_prefixes: stringList().default([]).describe('Variables the actor may read, by the start of their names (e.g. "APP_").'),
  allow_list_all: boolean().default(false).describe('Whether list-vars lists the visible variables; without it, it lists none.'),
  secret_vars: stringList()
    .optional()
    .describe(
      'Variables whose values are kept out of the chain (API keys): a read is recorded as "[redacted]", and a replay hands the actor that string. Each must also be visible through allowed_vars or allowed_prefixes. None by default.',
    ),
}).transform(
  (v): EnvironmentHandlerConfig => ({
    type: 'environment',
    allowedVars: v.allowed_vars,
    deniedVars: v.denied_vars,
    allowedPrefixes: v.allowed_prefixes,
    allowListAll: v.allow_list_all,
    ...(v.secret_vars === undefined ? {} : { secretVars: v.secret_vars }),
  }),
);

/** Grants `theater:simple/environment`, reading `process.env` at each call. */
export const environmentHandler: HandlerDefinition<EnvironmentHandlerConfig> = {
  type: 'environment',
  description:
    'Host environment variables, through allow and deny lists; any other variable reads as absent ' + '(theater:simple/environment).',
  config: configSchema,
  provides: ['theater:simple/environment'],
  requiredExports: {},
  // A secret the grant cannot read is a misspelling, and the variable meant would then be recorded in clear.
  async admit({ config, field }) {
    const visible = visibility(config);
    const unreadable = (config.secretVars ?? []).filter((name) => !visible(name));
    if (unreadable.length > 0) {
      throw new KernelError(
        'invalid-grant',
        `${field('secret_vars')}: ${unreadable.join(', ')} ${unreadable.length === 1 ? 'is' : 'are'} not readable under this grant (not in allowed_vars or allowed_prefixes, or in denied_vars)`,
      );
    }
  },
  excess(wanted, held) {
    const visibleToParent = visibility(held);
    const childDenied = new Set(wanted.deniedVars);
    const vars = wanted.allowedVars.filter((name) => !childDenied.has(name) && !visibleToParent(name));
    if (vars.length > 0) return `allowed_vars ${vars.join(', ')} are not visible to the parent`;
    const prefixes = wanted.allowedPrefixes.filter((prefix) => !held.allowedPrefixes.some((own) => own !== '' && prefix.startsWith(own)));
    if (prefixes.length > 0) return `allowed_prefixes ${prefixes.join(', ')} are not within the parent's`;
    // A variable the parent denies under a prefix they share must stay denied for the child.
    const reopened = held.deniedVars.filter((name) => !childDenied.has(name) && listed(wanted, name));
    if (reopened.length > 0) return `${reopened.join(', ')} must stay in denied_vars, as for the parent`;
    if (wanted.allowListAll && !held.allowListAll) return 'allow_list_all is set, but not for the parent';
    // A secret of the parent's that the child can read must stay secret, or the child's chain would hold it in clear.
    const visibleToChild = visibility(wanted);
    const childSecrets = new Set(wanted.secretVars ?? []);
    const unsealed = (held.secretVars ?? []).filter((name) => visibleToChild(name) && !childSecrets.has(name));
    if (unsealed.length > 0) return `${unsealed.join(', ')} must stay in secret_vars, as for the parent`;
    return undefined;
  },
  create({ config }): EnvironmentHost {
    const visible = visibility(config);
    const secret = new Set(config.secretVars ?? []);
    const read = (name: string): string | undefined => (visible(name) ? process.env[name] : undefined);
    const listVars = (): [string, string][] =>
      config.allowListAll
        ? Object.entries(process.env)
            .filter((entry): entry is [string, string] => entry[1] !== undefined && visible(entry[0]))
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        : [];
    if (secret.size === 0) {
      return { 'theater:simple/environment': { getVar: read, exists: (name) => read(name) !== undefined, listVars } };
    }
    return {
      'theater:simple/environment': {
        getVar: redacting(
          (name: string) => read(name),
          ([name], value) => (typeof value === 'string' && secret.has(name as string) ? ['/result'] : []),
        ),
        exists: (name) => read(name) !== undefined,
        listVars: redacting(listVars, (_, vars) =>
          ((vars as [string, string][] | undefined) ?? []).flatMap(([name], index) => (secret.has(name) ? [`/result/${index}/1`] : [])),
        ),
      },
    };
  },
};

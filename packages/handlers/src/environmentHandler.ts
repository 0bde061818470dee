/**
 * The `environment` handler: the host's environment variables an actor's manifest permits. A variable is visible
 * when it is named in `allowed_vars` or starts with one of `allowed_prefixes`, and is not in `denied_vars` (which
 * wins). `list-vars` lists the visible variables only when `allow_list_all` is set; otherwise it lists none. A
 * variable that is not visible reads as absent, exactly like one that does not exist, so its existence leaks nothing.
 */
import type { EnvironmentHandlerConfig, HandlerDefinition, HostInterfaces } from '@theater/kernel';

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

/** Grants `theater:simple/environment`, reading `process.env` at each call. */
export const environmentHandler: HandlerDefinition<EnvironmentHandlerConfig> = {
  type: 'environment',
  provides: ['theater:simple/environment'],
  requiredExports: {},
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
    return undefined;
  },
  create({ config }): EnvironmentHost {
    const visible = visibility(config);
    const read = (name: string): string | undefined => (visible(name) ? process.env[name] : undefined);
    return {
      'theater:simple/environment': {
        getVar: (name) => read(name),
        exists: (name) => read(name) !== undefined,
        listVars: () =>
          config.allowListAll
            ? Object.entries(process.env)
                .filter((entry): entry is [string, string] => entry[1] !== undefined && visible(entry[0]))
                .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            : [],
      },
    };
  },
};

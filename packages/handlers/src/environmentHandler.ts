/**
 * The `environment` handler: the host's environment variables an actor's manifest permits. A variable is visible
 * when it is named in `allowed_vars` or starts with one of `allowed_prefixes`, and is not in `denied_vars` (which
 * wins). `list-vars` lists the visible variables only when `allow_list_all` is set; otherwise it lists none. A
 * variable that is not visible reads as absent, exactly like one that does not exist, so its existence leaks nothing.
 */
import type { EnvironmentHandlerConfig, HandlerDefinition, HostInterfaces } from '@theater/kernel';

type EnvironmentHost = Pick<HostInterfaces, 'theater:simple/environment'>;

/** Grants `theater:simple/environment`, reading `process.env` at each call. */
export const environmentHandler: HandlerDefinition<EnvironmentHandlerConfig> = {
  type: 'environment',
  provides: ['theater:simple/environment'],
  requiredExports: {},
  create({ config }): EnvironmentHost {
    const denied = new Set(config.deniedVars);
    const allowed = new Set(config.allowedVars);
    const visible = (name: string): boolean =>
      !denied.has(name) && (allowed.has(name) || config.allowedPrefixes.some((prefix) => prefix !== '' && name.startsWith(prefix)));
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

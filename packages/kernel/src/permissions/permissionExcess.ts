/**
 * Effective permissions: a child spawned by a supervisor may not be granted more than its parent holds. Each of the
 * child's `[[handler]]`s must be covered by one of the parent's handlers of the same type, and be no wider than it.
 * Paths are compared after resolving each against its own manifest's directory. Stores handed to a child are checked
 * by the store handler when the child starts (whether the parent may see them is the store's to say).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type {
  EnvironmentHandlerConfig,
  FilesystemHandlerConfig,
  HandlerConfig,
  HttpClientHandlerConfig,
  HttpFrameworkHandlerConfig,
  Manifest,
  ProcessHandlerConfig,
  RandomHandlerConfig,
  TimingHandlerConfig,
} from '../manifest/index.js';

/** Why a child's grants exceed its parent's, one sentence per excess handler; empty when they do not. */
export function permissionExcess(child: Manifest, parent: Manifest): string[] {
  const problems: string[] = [];
  for (const wanted of child.handlers) {
    const held = parent.handlers.filter((config) => config.type === wanted.type);
    if (held.length === 0) {
      problems.push(`handler "${wanted.type}", which the parent does not have`);
      continue;
    }
    const reasons = held.map((config) => widerThan(wanted, child, config, parent));
    if (reasons.every((reason) => reason !== undefined)) problems.push(`handler "${wanted.type}": ${reasons[0]}`);
  }
  return problems;
}

/** Why `wanted` is wider than `held` (same type), or undefined when it is not. */
function widerThan(wanted: HandlerConfig, child: Manifest, held: HandlerConfig, parent: Manifest): string | undefined {
  switch (wanted.type) {
    case 'runtime':
    case 'message-server':
    case 'supervisor':
    case 'store':
      return undefined;
    case 'http-framework':
      return httpFrameworkExcess(wanted, held as HttpFrameworkHandlerConfig);
    case 'filesystem':
      return filesystemExcess(wanted, child, held as FilesystemHandlerConfig, parent);
    case 'process':
      return processExcess(wanted, child, held as ProcessHandlerConfig, parent);
    case 'timing': {
      const parent = held as TimingHandlerConfig;
      if (wanted.minSleepMs < parent.minSleepMs || wanted.maxSleepMs > parent.maxSleepMs) {
        return `sleeps of ${wanted.minSleepMs}..${wanted.maxSleepMs} ms exceed the parent's ${parent.minSleepMs}..${parent.maxSleepMs} ms`;
      }
      return undefined;
    }
    case 'random': {
      const parent = held as RandomHandlerConfig;
      return wanted.maxBytes > parent.maxBytes ? `max_bytes ${wanted.maxBytes} exceeds the parent's ${parent.maxBytes}` : undefined;
    }
    case 'environment':
      return environmentExcess(wanted, held as EnvironmentHandlerConfig);
    case 'http-client':
      return httpExcess(wanted, held as HttpClientHandlerConfig);
  }
}

/** `path` resolved against the directory of the manifest that names it. */
function resolvedIn(manifest: Manifest, path: string): string {
  return resolve(manifest.baseDir ?? process.cwd(), path);
}

function within(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function filesystemExcess(wanted: FilesystemHandlerConfig, child: Manifest, held: FilesystemHandlerConfig, parent: Manifest): string | undefined {
  const root = resolvedIn(child, wanted.path);
  const parentRoot = resolvedIn(parent, held.path);
  if (!within(root, parentRoot)) return `path ${root} is outside the parent's ${parentRoot}`;
  const commands = wanted.allowedCommands.filter((command) => !held.allowedCommands.includes(command));
  if (commands.length > 0) return `allowed_commands ${commands.join(', ')} are not the parent's`;
  if (held.readOnly && !wanted.readOnly) return 'read_only is off, but the parent\'s files are read-only';
  return undefined;
}

function processExcess(wanted: ProcessHandlerConfig, child: Manifest, held: ProcessHandlerConfig, parent: Manifest): string | undefined {
  const programs = wanted.allowedPrograms.filter((program) => !held.allowedPrograms.includes(program));
  if (programs.length > 0) return `allowed_programs ${programs.join(', ')} are not the parent's`;
  if (wanted.maxProcesses > held.maxProcesses) return `max_processes ${wanted.maxProcesses} exceeds the parent's ${held.maxProcesses}`;
  if (wanted.maxOutputBuffer > held.maxOutputBuffer) return `max_output_buffer ${wanted.maxOutputBuffer} exceeds the parent's ${held.maxOutputBuffer}`;
  // A process handler without cwd runs its processes in a private temporary directory: the narrowest place.
  if (held.cwd === undefined && wanted.cwd !== undefined) return `cwd ${wanted.cwd} is set, but the parent's processes run in a private directory`;
  if (held.cwd !== undefined) {
    const parentCwd = resolvedIn(parent, held.cwd);
    if (wanted.cwd === undefined) return `it sets no cwd, but the parent's processes are confined to ${parentCwd}`;
    const cwd = resolvedIn(child, wanted.cwd);
    if (!within(cwd, parentCwd)) return `cwd ${cwd} is outside the parent's ${parentCwd}`;
  }
  return undefined;
}

function environmentExcess(wanted: EnvironmentHandlerConfig, parent: EnvironmentHandlerConfig): string | undefined {
  const parentDenied = new Set(parent.deniedVars);
  const visibleToParent = (name: string): boolean =>
    !parentDenied.has(name) && (parent.allowedVars.includes(name) || parent.allowedPrefixes.some((prefix) => prefix !== '' && name.startsWith(prefix)));
  const childDenied = new Set(wanted.deniedVars);
  const vars = wanted.allowedVars.filter((name) => !childDenied.has(name) && !visibleToParent(name));
  if (vars.length > 0) return `allowed_vars ${vars.join(', ')} are not visible to the parent`;
  const prefixes = wanted.allowedPrefixes.filter((prefix) => !parent.allowedPrefixes.some((held) => held !== '' && prefix.startsWith(held)));
  if (prefixes.length > 0) return `allowed_prefixes ${prefixes.join(', ')} are not within the parent's`;
  // A variable the parent denies under a prefix they share must stay denied for the child.
  const reopened = parent.deniedVars.filter((name) => !childDenied.has(name) && (wanted.allowedVars.includes(name) || wanted.allowedPrefixes.some((prefix) => prefix !== '' && name.startsWith(prefix))));
  if (reopened.length > 0) return `${reopened.join(', ')} must stay in denied_vars, as for the parent`;
  if (wanted.allowListAll && !parent.allowListAll) return 'allow_list_all is set, but not for the parent';
  return undefined;
}

function httpFrameworkExcess(wanted: HttpFrameworkHandlerConfig, parent: HttpFrameworkHandlerConfig): string | undefined {
  if (wanted.maxRequestBytes > parent.maxRequestBytes) return `max_request_bytes ${wanted.maxRequestBytes} exceeds the parent's ${parent.maxRequestBytes}`;
  if (wanted.maxServers > parent.maxServers) return `max_servers ${wanted.maxServers} exceeds the parent's ${parent.maxServers}`;
  return undefined;
}

function httpExcess(wanted: HttpClientHandlerConfig, parent: HttpClientHandlerConfig): string | undefined {
  // As the http-client handler matches hosts: case-insensitively; `host` covers `host:port`, and `*.domain` (on its
  // port, if it names one) covers names and wildcards below that domain. Anything else must be the parent's as written.
  const split = (entry: string): { host: string; port: string | undefined } => {
    const [, host = '', port] = /^(.*?)(?::([0-9]+))?$/su.exec(entry.toLowerCase()) ?? [];
    return { host, port };
  };
  const covered = (entry: string): boolean => {
    const child = split(entry);
    return parent.allowedHosts.some((held) => {
      const own = split(held);
      if (own.port !== undefined && own.port !== child.port) return false;
      if (own.host === child.host) return true;
      return own.host.startsWith('*.') && child.host.replace(/^\*\./u, '').endsWith(own.host.slice(1));
    });
  };
  const hosts = wanted.allowedHosts.filter((host) => !covered(host));
  if (hosts.length > 0) return `allowed_hosts ${hosts.join(', ')} are not the parent's`;
  const methods = wanted.allowedMethods.filter((method) => !parent.allowedMethods.includes(method));
  if (methods.length > 0) return `allowed_methods ${methods.join(', ')} are not the parent's`;
  if (wanted.maxRequestBytes > parent.maxRequestBytes || wanted.maxResponseBytes > parent.maxResponseBytes || wanted.timeoutMs > parent.timeoutMs) {
    return 'its size or time limits exceed the parent\'s';
  }
  return undefined;
}

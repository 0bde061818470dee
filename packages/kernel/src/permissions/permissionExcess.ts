/**
 * Effective permissions: a child spawned by a supervisor may not be granted more than its parent holds. Each of the
 * child's `[[handler]]`s must be covered by one of the parent's handlers of the same type, and be no wider than it.
 * Types whose handlers do not exist yet (store, filesystem, http, process) are compared conservatively: the child's
 * config must equal one of the parent's.
 */
import { isDeepStrictEqual } from 'node:util';
import type {
  EnvironmentHandlerConfig,
  HandlerConfig,
  HttpClientHandlerConfig,
  Manifest,
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
    const reasons = held.map((config) => widerThan(wanted, config));
    if (reasons.every((reason) => reason !== undefined)) problems.push(`handler "${wanted.type}": ${reasons[0]}`);
  }
  return problems;
}

/** Why `wanted` is wider than `held` (same type), or undefined when it is not. */
function widerThan(wanted: HandlerConfig, held: HandlerConfig): string | undefined {
  switch (wanted.type) {
    case 'runtime':
    case 'message-server':
    case 'supervisor':
    case 'http-framework':
      return undefined;
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
    default:
      return isDeepStrictEqual(wanted, held) ? undefined : 'its settings differ from every one the parent holds';
  }
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

function httpExcess(wanted: HttpClientHandlerConfig, parent: HttpClientHandlerConfig): string | undefined {
  const hosts = wanted.allowedHosts.filter((host) => !parent.allowedHosts.includes(host));
  if (hosts.length > 0) return `allowed_hosts ${hosts.join(', ')} are not the parent's`;
  const methods = wanted.allowedMethods.filter((method) => !parent.allowedMethods.includes(method));
  if (methods.length > 0) return `allowed_methods ${methods.join(', ')} are not the parent's`;
  if (wanted.maxRequestBytes > parent.maxRequestBytes || wanted.maxResponseBytes > parent.maxResponseBytes || wanted.timeoutMs > parent.timeoutMs) {
    return 'its size or time limits exceed the parent\'s';
  }
  return undefined;
}

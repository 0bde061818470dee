/** The manifest parser with the built-in handlers: their options, defaults, and one precise problem per mistake. */
import { describe, expect, test } from 'vitest';
import {
  ManifestError,
  isManifestError,
  parseManifest as parseWith,
  type ManifestProblem,
  type ParseManifestOptions,
} from '@theater/kernel';
import { defaultHandlers } from '../src/index.js';

const handlers = defaultHandlers();
const parseManifest = (text: string, options: Omit<ParseManifestOptions, 'handlers'> = {}) => parseWith(text, { handlers, ...options });

const HEAD = `name = "counter"
version = "0.1.0"
component = "./counter.wasm"
`;

function failure(text: string, options?: Omit<ParseManifestOptions, 'handlers'>): ManifestError {
  try {
    parseManifest(text, options);
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('expected parseManifest to throw a ManifestError');
}

function problemsOf(text: string): readonly ManifestProblem[] {
  return failure(text).problems;
}

describe('parseManifest', () => {
  test('parses a full manifest with every section and every handler option', () => {
    const text = `name = "counter"
version = "1.2.3"
component = "./build/counter.wasm"
description = "counts"
init_state = "./state.json"
save_chain = false
restart = "transient"

[limits]
memory_mb = 64
call_timeout_ms = 1000
init_timeout_ms = 2000
mailbox = 8

[supervision]
strategy = "rest-for-one"
max_restarts = 0
within_ms = 100

[[handler]]
type = "runtime"
[[handler]]
type = "message-server"
[[handler]]
type = "supervisor"
[[handler]]
type = "store"
stores = ["s1", "s2"]
[[handler]]
type = "filesystem"
path = "./data"
allowed_commands = ["ls"]
read_only = true
[[handler]]
type = "http-client"
allowed_hosts = ["api.example.com"]
allowed_methods = ["get", "Post"]
max_request_bytes = 100
max_response_bytes = 200
timeout_ms = 300
[[handler]]
type = "http-framework"
[[handler]]
type = "timing"
min_sleep_ms = 10
max_sleep_ms = 20
[[handler]]
type = "random"
seed = 42
max_bytes = 16
[[handler]]
type = "environment"
allowed_vars = ["HOME"]
denied_vars = ["SECRET"]
allowed_prefixes = ["APP_"]
allow_list_all = true
[[handler]]
type = "process"
allowed_programs = ["git"]
max_processes = 2
max_output_buffer = 4096
cwd = "./work"
`;
    expect(parseManifest(text, { baseDir: '/srv/actors/counter' })).toEqual({
      name: 'counter',
      version: '1.2.3',
      component: './build/counter.wasm',
      componentPath: '/srv/actors/counter/build/counter.wasm',
      description: 'counts',
      initState: './state.json',
      saveChain: false,
      restart: 'transient',
      limits: { memoryMb: 64, callTimeoutMs: 1000, initTimeoutMs: 2000, mailbox: 8 },
      supervision: { strategy: 'rest-for-one', maxRestarts: 0, withinMs: 100 },
      handlers: [
        { type: 'runtime' },
        { type: 'message-server' },
        { type: 'supervisor' },
        { type: 'store', stores: ['s1', 's2'] },
        { type: 'filesystem', path: './data', allowedCommands: ['ls'], readOnly: true },
        {
          type: 'http-client',
          allowedHosts: ['api.example.com'],
          allowedMethods: ['GET', 'POST'],
          maxRequestBytes: 100,
          maxResponseBytes: 200,
          timeoutMs: 300,
        },
        { type: 'http-framework', maxRequestBytes: 1024 * 1024, maxServers: 4 },
        { type: 'timing', minSleepMs: 10, maxSleepMs: 20 },
        { type: 'random', seed: 42, maxBytes: 16 },
        {
          type: 'environment',
          allowedVars: ['HOME'],
          deniedVars: ['SECRET'],
          allowedPrefixes: ['APP_'],
          allowListAll: true,
        },
        { type: 'process', allowedPrograms: ['git'], maxProcesses: 2, maxOutputBuffer: 4096, cwd: './work' },
      ],
      baseDir: '/srv/actors/counter',
    });
  });

  test('fills in the default of every optional field and handler option', () => {
    const text = `${HEAD}
[[handler]]
type = "store"
[[handler]]
type = "filesystem"
path = "data"
[[handler]]
type = "http-client"
[[handler]]
type = "timing"
[[handler]]
type = "random"
[[handler]]
type = "environment"
[[handler]]
type = "process"
`;
    const mib = 1024 * 1024;
    expect(parseManifest(text)).toEqual({
      name: 'counter',
      version: '0.1.0',
      component: './counter.wasm',
      componentPath: undefined,
      description: undefined,
      initState: undefined,
      saveChain: true,
      restart: 'permanent',
      limits: { memoryMb: 256, callTimeoutMs: 30_000, initTimeoutMs: 60_000, mailbox: 1024 },
      supervision: { strategy: 'one-for-one', maxRestarts: 3, withinMs: 5000 },
      handlers: [
        { type: 'store' },
        { type: 'filesystem', path: 'data', allowedCommands: [], readOnly: false },
        {
          type: 'http-client',
          allowedHosts: [],
          allowedMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'],
          maxRequestBytes: 10 * mib,
          maxResponseBytes: 10 * mib,
          timeoutMs: 30_000,
        },
        { type: 'timing', minSleepMs: 0, maxSleepMs: 3_600_000 },
        { type: 'random', maxBytes: mib },
        { type: 'environment', allowedVars: [], deniedVars: [], allowedPrefixes: [], allowListAll: false },
        { type: 'process', allowedPrograms: [], maxProcesses: 10, maxOutputBuffer: mib },
      ],
      baseDir: undefined,
    });
  });

  test('parses an example manifest using every top-level section', () => {
    const text = `name = "counter"            # required
version = "0.1.0"           # required
component = "./counter.wasm" # required: path (relative to the manifest) or store reference
description = "..."
init_state = "./state.json"  # optional: path, or inline via the API
save_chain = true            # default true: chains persist

[limits]                     # optional; defaults shown
memory_mb = 256
call_timeout_ms = 30000
init_timeout_ms = 60000
mailbox = 1024

[supervision]                # how this actor supervises its children
strategy = "one-for-one"     # one-for-one | one-for-all | rest-for-one
max_restarts = 3
within_ms = 5000

[[handler]]
type = "runtime"
[[handler]]
type = "message-server"
[[handler]]
type = "filesystem"
path = "./data"
[[handler]]
type = "http-client"
allowed_hosts = ["api.openai.com"]
`;
    const manifest = parseManifest(text, { baseDir: '/srv/counter' });
    expect(manifest.componentPath).toBe('/srv/counter/counter.wasm');
    expect(manifest.description).toBe('...');
    expect(manifest.initState).toBe('./state.json');
    expect(manifest.limits).toEqual({ memoryMb: 256, callTimeoutMs: 30_000, initTimeoutMs: 60_000, mailbox: 1024 });
    expect(manifest.handlers.map((handler) => handler.type)).toEqual(['runtime', 'message-server', 'filesystem', 'http-client']);
    expect(manifest.handlers[3]).toMatchObject({ allowedHosts: ['api.openai.com'] });
  });

  test('names a missing handler option with the line of its handler', () => {
    expect(problemsOf(`${HEAD}[[handler]]\ntype = "filesystem"\nread_only = true\n`)).toEqual([
      { field: 'handler[0].path', message: 'missing required field (expected a non-empty string)', line: 4 },
    ]);
  });

  test('reports a value of the wrong type with the value found', () => {
    const text = `name = 42
version = ""
component = ["a"]
save_chain = "yes"
limits = 5

[[handler]]
type = "environment"
allowed_vars = "HOME"
denied_vars = [1]
`;
    expect(problemsOf(text)).toEqual([
      { field: 'name', message: 'expected a non-empty string, got 42', line: 1 },
      { field: 'version', message: 'expected a non-empty string, got ""', line: 2 },
      { field: 'component', message: 'expected a non-empty string, got an array', line: 3 },
      { field: 'save_chain', message: 'expected a boolean, got "yes"', line: 4 },
      { field: 'limits', message: 'expected a table, got 5', line: 5 },
      { field: 'handler[0].allowed_vars', message: 'expected an array of strings, got "HOME"', line: 9 },
      { field: 'handler[0].denied_vars[0]', message: 'expected a non-empty string, got 1', line: 10 },
    ]);
  });

  test('reports a single [handler] table instead of an array of tables', () => {
    expect(problemsOf(`${HEAD}[handler]\ntype = "runtime"\n`)).toEqual([
      { field: 'handler', message: 'expected an array of tables ([[handler]]), got a table', line: 4 },
    ]);
  });

  test('reports each unknown key as a problem at its own field', () => {
    const text = `${HEAD}colour = "blue"

[limits]
memory_mb = 128
cpu = 2

[supervision]
strategy = "one-for-all"
backoff = 1

[[handler]]
type = "runtime"
verbose = true
[[handler]]
type = "http-client"
allowed_host = ["x"]
`;
    expect(problemsOf(text)).toEqual([
      {
        field: 'colour',
        message:
          'unknown key (expected one of name, version, component, description, init_state, save_chain, isolation, restart, limits, supervision, handler)',
        line: 4,
      },
      {
        field: 'limits.cpu',
        message: 'unknown key (expected one of memory_mb, call_timeout_ms, init_timeout_ms, mailbox)',
        line: 8,
      },
      {
        field: 'supervision.backoff',
        message: 'unknown key (expected one of strategy, max_restarts, within_ms)',
        line: 12,
      },
      { field: 'handler[0].verbose', message: 'unknown key (a "runtime" handler takes no options)', line: 16 },
      {
        field: 'handler[1].allowed_host',
        message: 'unknown key (expected one of type, allowed_hosts, allowed_methods, max_request_bytes, max_response_bytes, timeout_ms)',
        line: 19,
      },
    ]);
  });

  test('rejects an unknown handler type and a handler without a type', () => {
    const types =
      'runtime, message-server, supervisor, store, filesystem, http-client, http-framework, timing, random, environment, process';
    expect(problemsOf(`${HEAD}[[handler]]\ntype = "telepathy"\n[[handler]]\npath = "./data"\n`)).toEqual([
      { field: 'handler[0].type', message: `unknown handler type "telepathy" (expected one of ${types})`, line: 5 },
      { field: 'handler[1].type', message: `missing required field (expected one of ${types})`, line: 6 },
    ]);
  });

  test('rejects a handler type declared twice, at the second declaration', () => {
    const text = `${HEAD}[[handler]]
type = "runtime"
[[handler]]
type = "store"
[[handler]]
type = "timing"
[[handler]]
type = "store"
`;
    expect(problemsOf(text)).toEqual([
      { field: 'handler[3].type', message: 'duplicate handler type "store" (already declared at handler[1])', line: 11 },
    ]);
  });

  test('upper-cases HTTP methods and rejects non-standard ones', () => {
    const ok = parseManifest(`${HEAD}[[handler]]\ntype = "http-client"\nallowed_methods = ["get", "delete"]\n`);
    expect(ok.handlers[0]).toMatchObject({ allowedMethods: ['GET', 'DELETE'] });
    expect(problemsOf(`${HEAD}[[handler]]\ntype = "http-client"\nallowed_methods = ["GET", "brew"]\n`)).toEqual([
      {
        field: 'handler[0].allowed_methods[1]',
        message: 'expected an HTTP method (GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH), got "brew"',
        line: 6,
      },
    ]);
  });

  test('rejects a timing handler whose minimum sleep exceeds its maximum', () => {
    expect(problemsOf(`${HEAD}[[handler]]\ntype = "timing"\nmin_sleep_ms = 5000\nmax_sleep_ms = 1000\n`)).toEqual([
      { field: 'handler[0].min_sleep_ms', message: 'must not exceed max_sleep_ms (5000 > 1000)', line: 6 },
    ]);
  });

  test('reports every problem at once, one per line of the message', () => {
    const text = `name = "counter"
component = "./counter.wasm"

[limits]
memory_mb = -1

[supervision]
strategy = "sometimes"

[[handler]]
type = "http-client"
allowed_hosts = "api.openai.com"
`;
    const error = failure(text, { source: 'counter.toml' });
    expect(error.problems.map((problem) => problem.field)).toEqual([
      'version',
      'limits.memory_mb',
      'supervision.strategy',
      'handler[0].allowed_hosts',
    ]);
    expect(error.message.split('\n')).toEqual([
      'counter.toml: version: missing required field (expected a non-empty string)',
      'counter.toml: limits.memory_mb: expected a positive integer, got -1 (line 5)',
      'counter.toml: supervision.strategy: expected one of "one-for-one", "one-for-all", "rest-for-one", got "sometimes" (line 8)',
      'counter.toml: handler[0].allowed_hosts: expected an array of strings, got "api.openai.com" (line 12)',
    ]);
    expect(error.source).toBe('counter.toml');
    expect(isManifestError(error, 'invalid-manifest')).toBe(true);
  });
});

/** The environment handler through the conformance suite, driven by the probe test actor. */
import { expect } from 'vitest';
import type { EnvironmentHandlerConfig } from '../../src/index.js';
import { testActorManifest } from '@theater/test-actors';
import { defaultHandlers, environmentHandler } from '../../src/index.js';
import { testHandlerConformance } from '@theater/handlers/testing';

/** The variables the probe's grant names: visible, denied, and one under its allowed prefix. */
const VARIABLES = { THEATER_PROBE_VISIBLE: 'seen', THEATER_PROBE_DENIED: 'hidden', THEATER_PROBE_PREFIX_A: 'prefixed' };

const grant = (changes: Partial<EnvironmentHandlerConfig>): EnvironmentHandlerConfig => ({
  type: 'environment',
  allowedVars: ['HOME'],
  deniedVars: [],
  allowedPrefixes: ['APP_'],
  allowListAll: false,
  ...changes,
});

testHandlerConformance({
  definition: environmentHandler,
  handlers: defaultHandlers(),
  async setup() {
    Object.assign(process.env, VARIABLES);
  },
  async teardown() {
    for (const name of Object.keys(VARIABLES)) delete process.env[name];
  },
  manifest: testActorManifest('probe'),
  async drive({ ask }) {
    expect(await ask('env THEATER_PROBE_VISIBLE')).toBe('seen');
    expect(await ask('env THEATER_PROBE_DENIED')).toBe('none');
    expect(await ask('exists THEATER_PROBE_PREFIX_A')).toBe('true');
    expect(JSON.parse(await ask('vars'))).toEqual([
      ['THEATER_PROBE_PREFIX_A', 'prefixed'],
      ['THEATER_PROBE_VISIBLE', 'seen'],
    ]);
  },
  denial: {
    nothingToRefuse:
      'a variable outside the grant reads as absent, exactly like one that does not exist: a refusal would tell the actor it exists',
  },
  invalidConfigs: [
    { table: 'type = "environment"\nallowed_vars = "HOME"', field: 'allowed_vars' },
    { table: 'type = "environment"\ndenied_vars = [1]', field: 'denied_vars[0]' },
    { table: 'type = "environment"\nallow_list_all = "yes"', field: 'allow_list_all' },
  ],
  excess: {
    pairs: [
      { narrow: grant({}), wide: grant({ allowedVars: ['HOME', 'PATH'] }), excess: 'allowed_vars PATH are not visible to the parent' },
      {
        narrow: grant({}),
        wide: grant({ allowedPrefixes: ['APP_', 'AWS_'] }),
        excess: "allowed_prefixes AWS_ are not within the parent's",
      },
      { narrow: grant({ deniedVars: ['APP_SECRET'] }), wide: grant({}), excess: 'APP_SECRET must stay in denied_vars, as for the parent' },
      { narrow: grant({}), wide: grant({ allowListAll: true }), excess: 'allow_list_all is set, but not for the parent' },
      { narrow: grant({ secretVars: ['HOME'] }), wide: grant({}), excess: 'HOME must stay in secret_vars, as for the parent' },
    ],
  },
});

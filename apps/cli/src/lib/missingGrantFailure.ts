/** The failure `theater build` reports for code importing interfaces the manifest does not grant. */
import { defaultHandlers } from '@theater/handlers';
import { HandlerRegistry } from '@theater/kernel';
import { CommandFailure } from './commandFailure.js';
import { EXIT } from './exitCodes.js';

/**
 * Each interface with the `[[handler]]` that grants it, so the fix is one line of the manifest. Refused before
 * anything is built, like the kernel's `import-not-granted` at spawn: exit 2.
 */
export function missingGrantFailure(interfaces: readonly string[], message: string, manifestSource: string): CommandFailure {
  const handlers = new HandlerRegistry(defaultHandlers());
  const hints = interfaces.map((iface) => {
    const handler = handlers.providerOf(iface);
    return handler === undefined
      ? `  ${iface}: no Theater handler provides it`
      : `  ${iface}: add [[handler]] type = "${handler.type}" to ${manifestSource}`;
  });
  const lines = [`import-not-granted: ${message}`, ...hints];
  return new CommandFailure(EXIT.badInput, lines, { error: { code: 'import-not-granted', message: lines.join('\n'), interfaces } });
}

/** Progress for long work: a spinner on an interactive terminal, nothing otherwise (pipes, CI, `--json`). */
import yoctoSpinner from 'yocto-spinner';

/** A running progress indicator. */
export interface Progress {
  /** Removes the indicator, leaving the terminal as it was. */
  stop(): void;
}

/** Starts a spinner on stdout when it is a terminal and `enabled`; otherwise returns a no-op. */
export function startProgress(text: string, enabled: boolean): Progress {
  if (!enabled || process.stdout.isTTY !== true) return { stop: () => {} };
  const spinner = yoctoSpinner({ text, stream: process.stdout }).start();
  return { stop: () => void spinner.clear().stop() };
}

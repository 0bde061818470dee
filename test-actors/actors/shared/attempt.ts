/** For the test actors that drive host functions from text commands: a host `err` becomes the reply `error:<message>`. */
export function attempt(run: () => string): string {
  try {
    return run();
  } catch (error) {
    // componentize-js throws a `result` import's err as an Error carrying it in `payload`.
    return `error:${typeof error === 'string' ? error : ((error as { payload?: unknown }).payload ?? String(error))}`;
  }
}

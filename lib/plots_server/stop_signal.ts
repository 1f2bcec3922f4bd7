/** Waiting for the user to stop a server: Ctrl-C (SIGINT) or a polite kill (SIGTERM). */

/** The signals that stop a server. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Resolves with the first of SIGINT or SIGTERM to arrive. Until then those signals no longer
 * kill the process (so the caller can close its server and exit 0); afterwards the listeners
 * are removed and the default action is back.
 *
 * @example
 * ```ts ignore
 * const signal = await stopSignal();
 * await server.close();
 * console.error(`${signal}: stopped`);
 * ```
 */
export function stopSignal(): Promise<Deno.Signal> {
  return new Promise((resolve) => {
    const handlers = STOP_SIGNALS.map((signal) => {
      const handler = () => {
        for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
        resolve(signal);
      };
      return [signal, handler] as const;
    });
    for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  });
}

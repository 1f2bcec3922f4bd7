/**
 * Headless Debian Chromium for tests, driven over the DevTools protocol with Deno's built-in
 * WebSocket: open a page, wait until an expression holds, and collect console errors
 * (console.error, uncaught exceptions, and the browser's own log errors such as failed
 * resource loads). `--dump-dom` is no use for live pages: socket.io's long polling keeps a
 * request open, so a virtual time budget never runs out.
 *
 * ```ts ignore
 * await withChromium(async (browser) => {
 *   const page = await browser.open("http://127.0.0.1:8000/");
 *   await page.waitFor("document.querySelectorAll('svg').length > 0");
 *   assert.deepEqual(page.errors, []);
 * });
 * ```
 */

/** Debian's Chromium; CHROMIUM overrides it. */
export const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";

/** What a test says when Chromium is not installed. */
export const MISSING_CHROMIUM = "install Debian's chromium: apt-get install chromium";

/**
 * Flags for a machine whose network is closed: without the background-networking ones
 * Chromium's own connections are refused many at a time. --no-sandbox because tests run as
 * root.
 */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** Throws an Error saying {@linkcode MISSING_CHROMIUM} when Chromium is not installed. */
export async function requireChromium(): Promise<void> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} not found: ${MISSING_CHROMIUM}`);
  }
}

const START_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 5_000;

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** A DevTools protocol connection: numbered commands and their replies, plus events. */
class Cdp {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, { resolve: (r: CdpMessage) => void; reject: (e: Error) => void }>();
  #listeners: ((message: CdpMessage) => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data as string) as CdpMessage;
      if (message.id !== undefined) {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) pending?.reject(new Error(`DevTools: ${message.error.message}`));
        else pending?.resolve(message);
      } else {
        for (const listener of this.#listeners) listener(message);
      }
    };
    ws.onclose = () => {
      for (const { reject } of this.#pending.values()) {
        reject(new Error("DevTools connection closed"));
      }
      this.#pending.clear();
    };
  }

  static connect(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new Cdp(ws));
      ws.onerror = () => reject(new Error(`Cannot connect to Chromium's DevTools at ${url}`));
    });
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: (m) => resolve(m.result ?? {}), reject });
      this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  onEvent(listener: (message: CdpMessage) => void): void {
    this.#listeners.push(listener);
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close();
  }
}

/** A tab: evaluate JavaScript in it and read the errors it logged. */
export class Page {
  /** Console errors, uncaught exceptions and browser log errors, as text, in order. */
  readonly errors: string[] = [];
  #cdp: Cdp;
  #session: string;

  /** Use {@linkcode Browser.open}. */
  constructor(cdp: Cdp, session: string) {
    this.#cdp = cdp;
    this.#session = session;
    cdp.onEvent(({ method, params, sessionId }) => {
      if (sessionId !== session || !params) return;
      if (
        method === "Runtime.consoleAPICalled" && ["error", "assert"].includes(params.type as string)
      ) {
        const args = params.args as { value?: unknown; description?: string }[];
        this.errors.push(
          `console.${params.type}: ${args.map((a) => a.description ?? String(a.value)).join(" ")}`,
        );
      } else if (method === "Runtime.exceptionThrown") {
        const details = params.exceptionDetails as {
          text: string;
          exception?: { description?: string };
        };
        this.errors.push(`uncaught: ${details.exception?.description ?? details.text}`);
      } else if (method === "Log.entryAdded") {
        const entry = params.entry as { level: string; text: string; url?: string };
        if (entry.level === "error") {
          this.errors.push(`log: ${entry.text}${entry.url ? ` (${entry.url})` : ""}`);
        }
      }
    });
  }

  /** The value of `expression` in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const reply = await this.#cdp.send(
      "Runtime.evaluate",
      { expression, returnByValue: true, awaitPromise: true },
      this.#session,
    ) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (reply.exceptionDetails) {
      throw new Error(`${expression}: ${reply.exceptionDetails.text}`);
    }
    return reply.result.value;
  }

  /** Writes a PNG of the whole page to `path`: for looking at a failure. */
  async screenshot(path: string): Promise<void> {
    const { data } = await this.#cdp.send(
      "Page.captureScreenshot",
      { format: "png", captureBeyondViewport: true },
      this.#session,
    ) as { data: string };
    await Deno.writeFile(path, Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
  }

  /**
   * Polls `expression` until its value is truthy and returns that value; after `timeoutMs`
   * throws an Error with the last value and the page's errors so far.
   */
  async waitFor<T>(expression: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value: T;
    while (!(value = await this.evaluate<T>(expression))) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${expression} (last value: ` +
            `${JSON.stringify(value)}; page errors: ${JSON.stringify(this.errors)})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return value;
  }
}

/** A headless Chromium with a fresh profile. */
export class Browser {
  #child: Deno.ChildProcess;
  #cdp: Cdp;
  #profile: string;

  private constructor(child: Deno.ChildProcess, cdp: Cdp, profile: string) {
    this.#child = child;
    this.#cdp = cdp;
    this.#profile = profile;
  }

  /**
   * Starts Chromium with {@linkcode CHROMIUM_FLAGS} and an empty --user-data-dir. Throws an
   * Error saying {@linkcode MISSING_CHROMIUM} when it is not installed.
   */
  static async launch(): Promise<Browser> {
    await requireChromium();
    const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
    const child = new Deno.Command(CHROMIUM, {
      args: [
        ...CHROMIUM_FLAGS,
        `--user-data-dir=${profile}`,
        "--remote-debugging-port=0", // Chromium picks a port and writes it to DevToolsActivePort
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null", // D-Bus complaints on every start; nothing a test needs
    }).spawn();
    try {
      const endpoint = await devToolsEndpoint(profile, child);
      return new Browser(child, await Cdp.connect(endpoint), profile);
    } catch (error) {
      await stopProcess(child, true);
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  /**
   * Opens `url` in a new tab and waits until it has loaded (the page may have moved on, e.g.
   * a single-page app routing / to /plots).
   */
  async open(url: string, timeoutMs = 10_000): Promise<Page> {
    const { targetId } = await this.#cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.#cdp.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    }) as { sessionId: string };
    const page = new Page(this.#cdp, sessionId);
    for (const domain of ["Runtime", "Log", "Page"]) {
      await this.#cdp.send(`${domain}.enable`, {}, sessionId);
    }
    const navigation = await this.#cdp.send("Page.navigate", { url }, sessionId);
    if (navigation.errorText) throw new Error(`Cannot open ${url}: ${navigation.errorText}`);
    await page.waitFor(
      `document.readyState === "complete" && location.href !== "about:blank"`,
      timeoutMs,
    );
    return page;
  }

  /** Closes Chromium (killing it if it does not exit) and deletes its profile. */
  async close(): Promise<void> {
    await Promise.race([
      this.#cdp.send("Browser.close").catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 1000)),
    ]);
    this.#cdp.close();
    await stopProcess(this.#child);
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

/** Runs `use` with a fresh headless Chromium, closed afterwards whatever happens. */
export async function withChromium<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await Browser.launch();
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

async function devToolsEndpoint(profile: string, child: Deno.ChildProcess): Promise<string> {
  let exited: Deno.CommandStatus | undefined;
  child.status.then((status) => exited = status);
  const file = `${profile}/DevToolsActivePort`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${CHROMIUM} exited with code ${exited.code} before DevTools started`);
    }
    const lines = await Deno.readTextFile(file).then((t) => t.split("\n"), () => []);
    if (lines.length >= 2 && lines[1] !== "") return `ws://127.0.0.1:${lines[0]}${lines[1]}`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${CHROMIUM} did not start DevTools within ${START_TIMEOUT_MS / 1000} s`);
}

/** Waits for `child` to exit; SIGKILL after CLOSE_TIMEOUT_MS (SIGTERM at once if asked). */
async function stopProcess(child: Deno.ChildProcess, term = false): Promise<Deno.CommandStatus> {
  if (term) {
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    child.status,
    new Promise<undefined>((resolve) =>
      timer = setTimeout(() => resolve(undefined), CLOSE_TIMEOUT_MS)
    ),
  ]).finally(() => clearTimeout(timer));
  if (status) return status;
  try {
    child.kill("SIGKILL");
  } catch { /* exited meanwhile */ }
  return await child.status;
}

/**
 * A serial line as pyserial presents it to the contest's host script: received bytes pile up
 * in an input buffer that the host inspects (`inWaiting`), reads from (`read`), and discards
 * (`resetInputBuffer`). Works over any Deno stream connection (QEMU's `-serial unix:` socket).
 *
 * @module
 */

/** The board closed the line, or did not send what was waited for in time. */
export class SerialLineError extends Error {
  override name = "SerialLineError";
}

/** A pyserial-like view of a byte stream. */
export class SerialLine {
  #buffer = new Uint8Array(4096);
  #length = 0;
  #closed = false;
  #wake: (() => void) | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reading: Promise<void>;

  /** Starts reading `conn` into the input buffer. */
  constructor(
    conn: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> },
  ) {
    this.#writer = conn.writable.getWriter();
    this.#reading = this.#readLoop(conn.readable);
  }

  async #readLoop(readable: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of readable) this.#append(chunk);
    } catch {
      // A reset connection is a closed line; waiters are told below.
    } finally {
      this.#closed = true;
      this.#wake?.();
    }
  }

  #append(chunk: Uint8Array): void {
    if (this.#length + chunk.length > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(2 * this.#buffer.length, this.#length + chunk.length));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(chunk, this.#length);
    this.#length += chunk.length;
    this.#wake?.();
  }

  /** Bytes received and not yet read or discarded (pyserial's `in_waiting`). */
  get inWaiting(): number {
    return this.#length;
  }

  /** The buffered bytes as text, for error messages. */
  get pending(): string {
    return new TextDecoder().decode(this.#buffer.subarray(0, this.#length));
  }

  /**
   * Resolves once at least `count` bytes are buffered (the host script's `while
   * ser.in_waiting < count`). Throws a SerialLineError naming `what` when the line closes or
   * `timeoutMs` passes first; the script itself would wait for ever.
   */
  async waitFor(count: number, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#length < count) {
      if (this.#closed) {
        throw new SerialLineError(
          `The board closed the line while the host waited for ${what}` +
            ` (buffered: ${JSON.stringify(this.pending)})`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new SerialLineError(
          `No ${what} from the board within ${timeoutMs} ms` +
            ` (buffered: ${JSON.stringify(this.pending)})`,
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  /** Takes up to `count` buffered bytes (pyserial's `read(size=count)` once they are there). */
  read(count: number): Uint8Array {
    const n = Math.min(count, this.#length);
    const out = this.#buffer.slice(0, n);
    this.#buffer.copyWithin(0, n, this.#length);
    this.#length -= n;
    return out;
  }

  /** Takes every buffered byte (`read(size=in_waiting)`). */
  readAll(): Uint8Array {
    return this.read(this.#length);
  }

  /** Discards every buffered byte (`reset_input_buffer()`). */
  resetInputBuffer(): void {
    this.#length = 0;
  }

  /** Sends `text` (UTF-8). */
  async write(text: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(text));
  }

  /** Closes the sending side and waits for the reading loop to end. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await this.#reading;
  }
}

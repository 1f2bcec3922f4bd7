/**
 * A serial line as pyserial presents it to the contest's host script: received bytes pile up
 * in an input buffer that the host inspects (`inWaiting`), reads from (`read`), and discards
 * (`resetInputBuffer`). Works over any Deno stream connection (QEMU's `-serial unix:` socket).
 *
 * @module
 */

const RECENT_BYTES = 64;
const decoder = new TextDecoder();

/** The board closed the line, or did not send what was waited for in time. */
export class SerialLineError extends Error {
  override name = "SerialLineError";
}

/** A pyserial-like view of a byte stream. */
export class SerialLine {
  #buffer = new Uint8Array(4096);
  #length = 0;
  /** The last bytes received, buffered or not, for error messages. */
  #recent = new Uint8Array(0);
  /** What the last resetInputBuffer() discarded, for error messages. */
  #discarded = new Uint8Array(0);
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
    const recent = new Uint8Array(Math.min(RECENT_BYTES, this.#recent.length + chunk.length));
    const fromChunk = Math.min(chunk.length, recent.length);
    recent.set(this.#recent.subarray(this.#recent.length - (recent.length - fromChunk)), 0);
    recent.set(chunk.subarray(chunk.length - fromChunk), recent.length - fromChunk);
    this.#recent = recent;
    this.#wake?.();
  }

  /** Bytes received and not yet read or discarded (pyserial's `in_waiting`). */
  get inWaiting(): number {
    return this.#length;
  }

  /** The buffered bytes as text. */
  get pending(): string {
    return decoder.decode(this.#buffer.subarray(0, this.#length));
  }

  /**
   * What the line last did, for error messages: the buffered bytes, the last bytes received
   * (up to 64) and what the last resetInputBuffer() discarded.
   */
  get history(): string {
    const text = (bytes: Uint8Array) => JSON.stringify(decoder.decode(bytes));
    return `buffered: ${JSON.stringify(this.pending)}; last received: ${text(this.#recent)}; ` +
      `last discarded: ${text(this.#discarded)}`;
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
          `The board closed the line while the host waited for ${what} (${this.history})`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new SerialLineError(
          `No ${what} from the board within ${timeoutMs} ms (${this.history})`,
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
    this.#discarded = this.#buffer.slice(0, this.#length);
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

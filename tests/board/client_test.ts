/**
 * The protocol client and its serial line against a scripted board (no QEMU): the host
 * script's steps, a "begin" sent right behind the reply kept (or discarded as the script does),
 * stray bytes reported, and timeouts that say what the line last received and discarded.
 */
import assert from "node:assert/strict";
import {
  BoardProtocolError,
  exchangeSegment,
  type HostPauses,
  SerialLine,
  SerialLineError,
} from "../../lib/board/mod.ts";

const NO_PAUSES: HostPauses = { afterOk: 0, before200: 0, after200: 0 };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A board that answers each host write with the next scripted chunk (the first is sent at
 * once), as one chunk, so a reply and the "begin" behind it can arrive together; it closes
 * the line when the script runs out.
 */
function scriptedBoard(chunks: string[]): { line: SerialLine; received: string[] } {
  const received: string[] = [];
  let send!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const close = () => {
    if (!closed) send.close();
    closed = true;
  };
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      send = controller;
    },
  });
  const next = () => {
    const chunk = chunks.shift();
    if (chunk === undefined) close();
    else send.enqueue(encoder.encode(chunk));
  };
  const writable = new WritableStream<Uint8Array>({
    write(bytes) {
      received.push(decoder.decode(bytes));
      next();
    },
    close, // the host's end closes the board's too
  });
  next();
  return { line: new SerialLine({ readable, writable }), received };
}

Deno.test("exchangeSegment() sends the samples and 200, returns the parsed reply", async () => {
  const { line, received } = scriptedBoard(["begin", "ok", "0,0.005771"]);
  const reply = await exchangeSegment(line, "0.1 0.2 ", { pauses: NO_PAUSES });
  assert.deepEqual(reply, { kind: "result", reply: "0,0.005771", predicted: 0, seconds: 0.005771 });
  assert.deepEqual(received, ["0.1 0.2 ", "200 "]);
  await line.close();
});

Deno.test("exchangeSegment() keeps a begin sent right behind the reply for the next round", async () => {
  const { line } = scriptedBoard(["begin", "ok", "1,0.005771begin", "ok", "0,0.005771"]);
  assert.equal((await exchangeSegment(line, "1 ", { pauses: NO_PAUSES })).reply, "1,0.005771");
  assert.equal(line.pending, "begin");
  assert.equal((await exchangeSegment(line, "2 ", { pauses: NO_PAUSES })).reply, "0,0.005771");
  await line.close();
});

Deno.test("exchangeSegment() with discardAfterReply loses that begin, as the host script does", async () => {
  const { line } = scriptedBoard(["begin", "ok", "1,0.005771begin"]);
  await exchangeSegment(line, "1 ", { pauses: NO_PAUSES, discardAfterReply: true });
  assert.equal(line.pending, "");
  await assert.rejects(
    exchangeSegment(line, "2 ", { pauses: NO_PAUSES, timeoutMs: 50 }),
    (error: Error) =>
      error instanceof SerialLineError &&
      error.message.includes('last received: "beginok1,0.005771begin"') &&
      error.message.includes('last discarded: "begin"'),
  );
  await line.close();
});

Deno.test("exchangeSegment() reports bytes other than begin after the reply", async () => {
  const { line } = scriptedBoard(["begin", "ok", "1,0.005771\n"]);
  await assert.rejects(
    exchangeSegment(line, "1 ", { pauses: NO_PAUSES }),
    (error: Error) => error instanceof BoardProtocolError && error.message.includes('"\\n"'),
  );
  await line.close();
});

Deno.test("exchangeSegment() reports a reply other than begin or ok", async () => {
  const { line } = scriptedBoard(["hello"]);
  await assert.rejects(
    exchangeSegment(line, "1 ", { pauses: NO_PAUSES }),
    (error: Error) => error instanceof BoardProtocolError && error.message.includes('"hello"'),
  );
  await line.close();
});

Deno.test("SerialLine.waitFor() says what was buffered when the board closes the line", async () => {
  const { line } = scriptedBoard(["be"]);
  const { line: closed } = scriptedBoard([]);
  await assert.rejects(
    closed.waitFor(5, '"begin"', 1000),
    (error: Error) => error instanceof SerialLineError && error.message.includes("closed"),
  );
  await assert.rejects(
    line.waitFor(5, '"begin"', 30),
    (error: Error) =>
      error instanceof SerialLineError && error.message.includes('buffered: "be"') &&
      error.message.includes("within 30 ms"),
  );
  await line.close();
  await closed.close();
});

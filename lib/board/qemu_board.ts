/**
 * The board under QEMU: the board image on mps2-an386 with `-icount shift=0` (so the
 * firmware's SysTick counts executed instructions) and UART0 on a Unix socket that QEMU
 * listens on and waits for before starting the machine, so the first "begin" is never lost.
 *
 * @module
 */
import { join } from "node:path";
import { requireTool } from "../firmware/toolchain.ts";
import { BUILD_DIR } from "../firmware/compile.ts";
import { SerialLine } from "./serial_line.ts";

/**
 * QEMU's arguments for the board image `elf` with UART0 on `serial` (a -serial value).
 * `interactive`: QEMU's monitor on stdio and the machine held in reset (`-S`) until the user
 * types `cont` — the contest's "press the reset button once the host script runs".
 */
export function boardQemuArgs(elf: string, serial: string, interactive = false): string[] {
  return [
    "-M",
    "mps2-an386",
    "-icount",
    "shift=0",
    ...(interactive
      ? ["-display", "none", "-monitor", "stdio", "-S"]
      : ["-nographic", "-monitor", "none"]),
    // A fault ends QEMU through semihosting (firmware/m4/startup.c), never a silent hang.
    "-semihosting-config",
    "enable=on,target=native",
    "-serial",
    serial,
    "-kernel",
    elf,
  ];
}

/** A running emulated board and its serial line. */
export interface Board {
  line: SerialLine;
  /** Stops QEMU (always call it, in a finally) and removes the socket's folder. */
  close(): Promise<void>;
}

/**
 * Starts `elf` under QEMU and connects to its UART0. Throws when QEMU exits or its socket
 * does not appear within `startTimeoutMs`.
 */
export async function startBoard(
  elf: string,
  buildDir = BUILD_DIR,
  startTimeoutMs = 10_000,
): Promise<Board> {
  await requireTool("qemu-system-arm");
  await Deno.mkdir(buildDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: buildDir, prefix: "board-" });
  const socket = join(dir, "uart0.sock");
  const child = new Deno.Command("qemu-system-arm", {
    args: boardQemuArgs(elf, `unix:${socket},server=on,wait=on`),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let exited = false;
  const status = child.status.finally(() => exited = true);
  const stop = async () => {
    if (!exited) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    await status;
    await stderr.catch(() => "");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    const conn = await connectWhenListening(socket, startTimeoutMs, () => exited);
    const line = new SerialLine(conn);
    return {
      line,
      close: async () => {
        await stop();
        await line.close();
      },
    };
  } catch (error) {
    await stop();
    const message = (await stderr.catch(() => "")).trim();
    throw new Error(
      `QEMU did not start the board image ${elf}: ${(error as Error).message}` +
        (message ? `\n${message}` : ""),
    );
  }
}

async function connectWhenListening(
  path: string,
  timeoutMs: number,
  exited: () => boolean,
): Promise<Deno.UnixConn> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await Deno.connect({ transport: "unix", path });
    } catch (error) {
      if (exited()) throw new Error("QEMU exited before opening the serial socket");
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

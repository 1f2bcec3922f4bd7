/**
 * The board image: the generated model, the Cortex-M4 kernels, the shared start-up
 * (firmware/m4) and the protocol firmware of firmware/board, built for QEMU's mps2-an386 by
 * lib/firmware's cached build driver. Every number the firmware needs from the host side is
 * passed as a -D definition, derived here from the IR and lib/metrics.
 *
 * @module
 */
import { join } from "node:path";
import type { ModelIR } from "../ir/ir.ts";
import { quantizeInput } from "../interp/mod.ts";
import { CLOCK_HZ, CYCLES_PER_INSTRUCTION } from "../metrics/mod.ts";
import { BUILD_DIR, buildProgram, FIRMWARE_DIR } from "../firmware/compile.ts";
import { ioSources, RUNTIME_INCLUDE, runtimeSources } from "../firmware/runtime.ts";
import { writeGeneratedModel } from "../firmware/model_sources.ts";

/** firmware/board: the protocol firmware's sources. */
export const BOARD_FIRMWARE_DIR = join(FIRMWARE_DIR, "board");
const BOARD_SOURCES = [
  "main.c",
  "decimal_q8.c",
  "uart_cmsdk.c",
  "systick.c",
  "wake.c",
];

/** QEMU's mps2-an386 clocks SysTick and the APB at 25 MHz (hw/arm/mps2.c, SYSCLK_FRQ). */
export const QEMU_MPS2_CLOCK_HZ = 25_000_000;
/** With -icount shift=0 one instruction is 1 ns of virtual time: 40 per 25 MHz tick. */
export const INSTRUCTIONS_PER_TICK = 1e9 / QEMU_MPS2_CLOCK_HZ;
/** The contest's line speed; QEMU ignores it, a real board would not. */
export const BAUD = 115_200;
/**
 * Pause between a reply and the next "begin" of the image for the contest's host script: it
 * reads the 10-byte reply, then empties its input buffer, so a "begin" arriving before that is
 * lost. The contest board paused ~1 ms (HAL_Delay(1)); so does this image. Under QEMU 7.2's
 * -icount that sleep lasts far longer than its virtual time (~50–90 ms of wall time, and ~40 ms
 * of CPU), safely past the script's 10 ms wait (docs/board-protocol.md §6).
 */
export const BEGIN_DELAY_MS = 1;
/** SysTick periods (0.67 s each) of silence after "ok" that end the wait for the status. */
export const IDLE_TIMEOUT_WRAPS = 3;

/** Options of {@linkcode boardDefines} and {@linkcode buildBoardImage}. */
export interface BoardImageOptions {
  /**
   * Pause before each "begin" after a reply, in ms of virtual time (default BEGIN_DELAY_MS).
   * 0 for a host that keeps a "begin" sent right behind the reply (lib/board's client).
   */
  beginDelayMs?: number;
  /**
   * End a segment whose line goes quiet after its first byte with "ET" (default true, as the
   * contest's host script may send a short segment). false keeps SysTick stopped while samples
   * arrive, which halves QEMU's work per byte; for lib/board's client, which never sends a
   * short segment (docs/board-protocol.md §6).
   */
  sampleTimeout?: boolean;
}

/** The -D definitions of the board image for `ir` (documented in firmware/board/main.c). */
export function boardDefines(ir: ModelIR, options: BoardImageOptions = {}): Record<string, number> {
  const beginDelayMs = options.beginDelayMs ?? BEGIN_DELAY_MS;
  const beginDelayTicks = Math.round(beginDelayMs * QEMU_MPS2_CLOCK_HZ / 1000);
  if (!(beginDelayTicks >= 0 && beginDelayTicks <= 2 ** 24)) {
    throw new RangeError(
      `The pause before "begin" must be 0 … ${2 ** 24 / QEMU_MPS2_CLOCK_HZ * 1000} ms, ` +
        `got ${beginDelayMs} ms`,
    );
  }
  if (ir.peakNormalize) {
    // The board quantizes each decimal as it arrives, before the segment's peak is known.
    throw new RangeError("The board image does not support a peak-normalized model yet");
  }
  const clip = ir.inputClip ?? Infinity;
  // The clip's own quantized values, by the interpreter's rule: clamping to them after
  // rounding equals clipping before it (the rounding is monotone).
  const [qMax, qMin] = quantizeInput(ir, Float32Array.of(clip, -clip));
  const cpiX100 = Math.round(CYCLES_PER_INSTRUCTION * 100);
  if (Math.abs(cpiX100 - CYCLES_PER_INSTRUCTION * 100) > 1e-9 || CLOCK_HZ % 1e6 !== 0) {
    throw new RangeError(
      `The board firmware needs cycles per instruction in hundredths and a clock in whole MHz, ` +
        `got ${CYCLES_PER_INSTRUCTION} and ${CLOCK_HZ} Hz`,
    );
  }
  return {
    BOARD_Q_MIN: qMin,
    BOARD_Q_MAX: qMax,
    BOARD_IDLE_TIMEOUT_WRAPS: IDLE_TIMEOUT_WRAPS,
    BOARD_INSTRUCTIONS_PER_TICK: INSTRUCTIONS_PER_TICK,
    BOARD_CYCLES_PER_INSTRUCTION_X100: cpiX100,
    BOARD_CLOCK_MHZ: CLOCK_HZ / 1e6,
    BOARD_UART_BAUDDIV: Math.round(QEMU_MPS2_CLOCK_HZ / BAUD),
    BOARD_BEGIN_DELAY_TICKS: beginDelayTicks,
    BOARD_SAMPLE_TIMEOUT: options.sampleTimeout === false ? 0 : 1,
  };
}

/**
 * Builds (cached) the board image of `ir`; returns the ELF's path. Throws a TypeError when
 * the generated model.h lacks the input API the firmware writes to (`model_input()`).
 */
export async function buildBoardImage(
  ir: ModelIR,
  buildDir = BUILD_DIR,
  options: BoardImageOptions = {},
): Promise<string> {
  const model = await writeGeneratedModel(ir, buildDir);
  const header = model.generated.files["model.h"] ?? "";
  if (!/int8_t\s*\*\s*model_input\s*\(\s*void\s*\)/.test(header)) {
    throw new TypeError(
      "The generated model.h has no `int8_t *model_input(void)`; firmware/board/main.c writes " +
        "each segment there and must follow the new input API",
    );
  }
  const io = ioSources("m4");
  const program = await buildProgram({
    target: "m4",
    sources: [
      ...runtimeSources("m4"),
      ...io.sources,
      ...BOARD_SOURCES.map((name) => join(BOARD_FIRMWARE_DIR, name)),
      model.source,
    ],
    includeDirs: [RUNTIME_INCLUDE, ...io.includeDirs, BOARD_FIRMWARE_DIR, model.dir],
    optimize: "-Os",
    defines: boardDefines(ir, options),
  }, buildDir);
  return program.path;
}

/**
 * The contest's board protocol on the emulated Cortex-M4 (docs/board-protocol.md): the board
 * image (firmware/board) under QEMU's mps2-an386, a host client that follows the contest's
 * published host script byte for byte, and scoring over that serial line.
 *
 * @example Score a model over the serial line
 * ```ts ignore
 * import { loadDataset } from "../data/mod.ts";
 * import { resolveModel } from "../models/mod.ts";
 * import { readSegmentTexts, scoreOnBoard } from "./mod.ts";
 * const { ir } = await resolveModel("runs/pipeline-quick");
 * const dataset = await loadDataset({ data: "data/iegm", index: "val.csv" });
 * const texts = await readSegmentTexts("data/iegm", dataset.files);
 * const result = await scoreOnBoard(ir, dataset, texts);
 * console.log(result.metrics.fbeta, result.averageMs, result.mismatches.length);
 * ```
 *
 * @module
 */
export {
  BEGIN_DELAY_MS,
  BOARD_FIRMWARE_DIR,
  boardDefines,
  type BoardImageOptions,
  buildBoardImage,
  IDLE_TIMEOUT_WRAPS,
} from "./build.ts";
export {
  BoardProtocolError,
  type BoardReply,
  type ExchangeOptions,
  exchangeSegment,
  type HostPauses,
  parseReply,
  VALIDATION_PY_PAUSES,
} from "./client.ts";
export { hostSegmentText } from "./host_text.ts";
export { pythonFloatRepr } from "./python_float.ts";
export { type Board, boardQemuArgs, startBoard } from "./qemu_board.ts";
export { readSegmentTexts } from "./segment_files.ts";
export { type BoardIssue, type BoardScore, type BoardScoreOptions, scoreOnBoard } from "./score.ts";
export { SerialLine, SerialLineError } from "./serial_line.ts";

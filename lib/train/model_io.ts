/**
 * A tfjs IOHandler for a model as `model.json` + `weights.bin` in a directory (tfjs' own file
 * handler needs Node's fs through tfjs-node, which does not install here).
 */
import { tf } from "../backend/mod.ts";
import { join } from "node:path";

/** The file names a saved model consists of. */
export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/**
 * Saves into / loads from `dir`. Saving writes plain files: callers wanting atomicity save
 * into a temporary directory (writeDirAtomic), as saveRun does.
 */
export function directoryHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new TypeError("Saving a binary model topology is not supported");
      }
      const weights = new Uint8Array(
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      );
      const modelJson = {
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await Deno.writeTextFile(join(dir, MODEL_JSON), JSON.stringify(modelJson) + "\n");
      await Deno.writeFile(join(dir, WEIGHTS_BIN), weights);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      const binPath = join(dir, WEIGHTS_BIN);
      const modelJson = parseJson<tf.io.ModelJSON>(await readText(jsonPath), jsonPath);
      if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
        throw new SyntaxError(
          `${jsonPath}: not a tfjs layers model (no modelTopology or weightsManifest)`,
        );
      }
      const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
      const bytes = await Deno.readFile(binPath).catch((error) => {
        throw new Error(`${binPath}: cannot read the model's weights (${error.message})`);
      });
      const expected = weightSpecs.reduce(
        (sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * 4,
        0,
      );
      if (bytes.byteLength !== expected) {
        throw new RangeError(
          `${binPath}: ${bytes.byteLength} bytes, but ${MODEL_JSON} describes ${expected}`,
        );
      }
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        weightSpecs,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      };
    },
  };
}

/** The text of `path`, or an Error naming it. */
export async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error(`${path}: file not found`);
    throw new Error(`${path}: cannot read (${(error as Error).message})`);
  }
}

/** `text` parsed as JSON, or a SyntaxError naming `path`. */
export function parseJson<T>(text: string, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SyntaxError(`${path}: invalid JSON (${(error as Error).message})`);
  }
}

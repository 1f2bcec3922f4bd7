/**
 * A tfjs layer that computes `tf.layers.gru` (tfjs' defaults: hard-sigmoid gates, tanh,
 * reset_after false, bias on) with the fused whole-sequence op of gru.ts.
 *
 * Its weights match the stock layer's in names (`<layer>/kernel`, `<layer>/recurrent_kernel`,
 * `<layer>/bias`), shapes and order, so `stock.setWeights(fused.getWeights())` and the reverse
 * work. Not a layer of saved models: the project saves the stock model (the IR converter reads
 * it); the class is registered so a training model can still be serialized and cloned.
 */
import { tf } from "../backend/mod.ts";
import { fusedGru } from "./gru.ts";

type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Shape = (number | null)[];

/** Options of {@linkcode FusedGru}; initializers default to zeros (a twin copies weights). */
export interface FusedGruArgs {
  name?: string;
  units: number;
  returnSequences?: boolean;
  kernelInitializer?: Initializer;
  recurrentInitializer?: Initializer;
  biasInitializer?: Initializer;
}

interface SerializedInitializer {
  className: string;
  config: tf.serialization.ConfigDict;
}

/**
 * The GRU layer on the fused op.
 *
 * @example Same weights, same output as tf.layers.gru
 * ```ts
 * import { setupBackend, tf } from "../backend/mod.ts";
 * import { FusedGru } from "./gru_layer.ts";
 * await setupBackend("wasm");
 * const x = tf.randomNormal([2, 5, 3], 0, 1, "float32", 1);
 * const stock = tf.layers.gru({ units: 4, returnSequences: true });
 * const fused = new FusedGru({ units: 4, returnSequences: true });
 * const y = stock.apply(x) as tf.Tensor;
 * fused.build(x.shape);
 * fused.setWeights(stock.getWeights());
 * const diff = y.sub(fused.apply(x) as tf.Tensor).abs().max().dataSync()[0];
 * if (diff > 1e-6) throw new Error(String(diff));
 * ```
 */
export class FusedGru extends tf.layers.Layer {
  /** The class name in serialized models. */
  static className = "FusedGru";
  readonly units: number;
  readonly returnSequences: boolean;
  private readonly initializers: { kernel: Initializer; recurrent: Initializer; bias: Initializer };
  private kernel: tf.LayerVariable | null = null;
  private recurrentKernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: FusedGruArgs) {
    super({ name: args.name });
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new RangeError(`FusedGru: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.returnSequences = args.returnSequences ?? false;
    this.initializers = {
      kernel: args.kernelInitializer ?? tf.initializers.zeros(),
      recurrent: args.recurrentInitializer ?? tf.initializers.zeros(),
      bias: args.biasInitializer ?? tf.initializers.zeros(),
    };
    this.inputSpec = [{ ndim: 3 }];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = onlyShape(inputShape);
    const inputs = shape[shape.length - 1];
    if (inputs === null) throw new TypeError(`FusedGru "${this.name}": unknown input size`);
    const u = this.units;
    // The stock GRU's order: kernel, recurrent_kernel, bias (getWeights() follows it).
    this.kernel = this.addWeight("kernel", [inputs, 3 * u], "float32", this.initializers.kernel);
    this.recurrentKernel = this.addWeight(
      "recurrent_kernel",
      [u, 3 * u],
      "float32",
      this.initializers.recurrent,
    );
    this.bias = this.addWeight("bias", [3 * u], "float32", this.initializers.bias);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, time] = onlyShape(inputShape);
    return this.returnSequences ? [batch, time, this.units] : [batch, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return fusedGru(
      x,
      this.kernel!.read(),
      this.recurrentKernel!.read(),
      this.bias!.read(),
      this.returnSequences,
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    const serialize = (init: Initializer): SerializedInitializer => ({
      className: init.getClassName(),
      config: init.getConfig(),
    });
    return {
      ...super.getConfig(),
      units: this.units,
      returnSequences: this.returnSequences,
      kernelInitializer: serialize(this.initializers.kernel),
      recurrentInitializer: serialize(this.initializers.recurrent),
      biasInitializer: serialize(this.initializers.bias),
    } as unknown as tf.serialization.ConfigDict;
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = config as unknown as {
      name?: string;
      units: number;
      returnSequences?: boolean;
      kernelInitializer?: SerializedInitializer;
      recurrentInitializer?: SerializedInitializer;
      biasInitializer?: SerializedInitializer;
    };
    return new cls({
      name: c.name,
      units: c.units,
      returnSequences: c.returnSequences,
      kernelInitializer: initializerFrom(c.kernelInitializer),
      recurrentInitializer: initializerFrom(c.recurrentInitializer),
      biasInitializer: initializerFrom(c.biasInitializer),
    });
  }
}

tf.serialization.registerClass(FusedGru);

function onlyShape(shape: Shape | Shape[]): Shape {
  return Array.isArray(shape[0]) ? (shape as Shape[])[0] : shape as Shape;
}

/** A registered initializer from its serialized form (undefined → the default). */
function initializerFrom(s: SerializedInitializer | undefined): Initializer | undefined {
  if (s === undefined) return undefined;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[s.className];
  if (!entry) throw new TypeError(`FusedGru: unknown initializer "${s.className}"`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, s.config) as unknown as Initializer;
}

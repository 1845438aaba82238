/**
 * A fused Adam update: the kernel `ContrastiveKitAdamUpdate` takes one variable, its gradient and
 * its two moments and returns the three new ones in a single pass, where tfjs' AdamOptimizer runs
 * ~12 element-wise kernels per variable (each a pass over the values and a new buffer, plus
 * tfjs' per-op cost): about 100 small kernels per step for a three-layer MLP. The arithmetic is
 * the stock optimizer's, rounded to float32 after every operation in the same order, so the
 * results are the same bit for bit (see the `adamUpdate` loop in {@link HEAP_LOOPS}).
 *
 * Registered for wasm (the wasm SIMD kernel of simd-kernels.ts works on the backend's heap, split
 * between the threads by the {@link HeapPool} for large variables; the result does not depend on
 * the thread count) and for cpu (the loop's JavaScript on a scratch array). `fused-adam.ts` makes
 * `tf.train.adam` use it.
 *
 * Inputs {x, gradient, firstMoment, secondMoment} are float32 of one shape; {accBeta1, accBeta2}
 * are the optimizer's float32 scalars β₁ᵗ and β₂ᵗ of this step. Attrs {learningRate, beta1,
 * beta2, epsilon} are the optimizer's fields. Outputs: [newX, newFirstMoment, newSecondMoment].
 *
 * @see https://arxiv.org/abs/1412.6980 (Kingma & Ba, Adam)
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { HEAP_LOOPS } from './heap-pool';
import { heapFloatOffset, runHeapLoop, shapeText, WasmBackendLike } from './wasm-kernel-utils';

/** The kernel's name (registered for wasm and cpu). */
export const ADAM_UPDATE_KERNEL = 'ContrastiveKitAdamUpdate';

/**
 * Variables with fewer values than this are updated on the main thread alone: below it, waking
 * the heap pool's workers costs more than their share of the loop saves. The SIMD loop takes
 * ~1 ns a value on one thread (8 192 values: ~10 µs), and waking a worker ~30–50 µs on a quiet
 * machine, 100–200 µs on a busy one. On the bench MLP the two largest weights (401 408 and
 * 131 072 values) are split.
 */
export const ADAM_MIN_VALUES_TO_SPLIT = 65_536;

/** The optimizer's hyper-parameters for one step, as its fields hold them at that step. */
export interface AdamUpdateAttrs {
  /** The step size (a schedule may change it between steps). */
  learningRate: number;
  /** Decay of the first moment. */
  beta1: number;
  /** Decay of the second moment. */
  beta2: number;
  /** Added to √v̂ in the denominator. */
  epsilon: number;
}

/** The parts of tfjs' cpu backend (`MathBackendCPU`) the kernel uses. */
interface CpuBackendLike {
  readSync(dataId: object): tf.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.BackendValues): tf.TensorInfo;
}

const INPUT_NAMES = ['x', 'gradient', 'firstMoment', 'secondMoment'] as const;

/** Checks the inputs (float32, one shape; scalar β powers) and returns them in loop order. */
function checkedInputs(inputs: tf.NamedTensorInfoMap): { tensors: tf.TensorInfo[]; accBeta1: tf.TensorInfo; accBeta2: tf.TensorInfo } {
  const shape = inputs.x?.shape ?? [];
  const tensors = INPUT_NAMES.map((name) => {
    const info = inputs[name];
    if (info === undefined) throw new Error(`${ADAM_UPDATE_KERNEL}: missing input '${name}'`);
    if (info.dtype !== 'float32') throw new Error(`${ADAM_UPDATE_KERNEL}: '${name}' must be float32, got ${info.dtype}`);
    if (!tf.util.arraysEqual(info.shape, shape)) {
      throw new Error(`${ADAM_UPDATE_KERNEL}: '${name}' must have the shape of 'x' ${shapeText(shape)}, got ${shapeText(info.shape)}`);
    }
    return info;
  });
  const [accBeta1, accBeta2] = (['accBeta1', 'accBeta2'] as const).map((name) => {
    const info = inputs[name];
    if (info === undefined || info.dtype !== 'float32' || tf.util.sizeFromShape(info.shape) !== 1) {
      throw new Error(`${ADAM_UPDATE_KERNEL}: '${name}' must be a float32 scalar, got ${info === undefined ? 'nothing' : `${info.dtype} ${shapeText(info.shape)}`}`);
    }
    return info;
  });
  return { tensors, accBeta1, accBeta2 };
}

/**
 * The loop's eight numbers after the heap offsets: β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr,
 * computed like the stock optimizer computes them (`1 - beta1` in float64, then made a float32
 * scalar; `sub(1, accBeta1)` of float32 values), before the loop rounds them to float32.
 */
export function adamCoefficients(attrs: AdamUpdateAttrs, accBeta1: number, accBeta2: number): number[] {
  for (const name of ['learningRate', 'beta1', 'beta2', 'epsilon'] as const) {
    if (typeof attrs[name] !== 'number') throw new Error(`${ADAM_UPDATE_KERNEL}: attr '${name}' must be a number, got ${String(attrs[name])}`);
  }
  const { learningRate, beta1, beta2, epsilon } = attrs;
  return [beta1, 1 - beta1, beta2, 1 - beta2, 1 - Math.fround(accBeta1), 1 - Math.fround(accBeta2), epsilon, -learningRate];
}

/** The kernel for the wasm backend: the `adamUpdate` heap loop over the variable's values. */
export const adamUpdateWasm: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const { tensors, accBeta1, accBeta2 } = checkedInputs(args.inputs);
  const coefficients = adamCoefficients(args.attrs as unknown as AdamUpdateAttrs, backend.typedArrayFromHeap(accBeta1)[0], backend.typedArrayFromHeap(accBeta2)[0]);
  const shape = tensors[0].shape;
  const outputs = [0, 1, 2].map(() => backend.makeOutput(shape, 'float32')); // [newX, newFirstMoment, newSecondMoment]
  const size = tf.util.sizeFromShape(shape);
  if (size > 0) {
    // Offsets are read after every output is made: making one may grow (and move) the heap's views.
    const offsets = [...tensors, ...outputs].map((info) => heapFloatOffset(backend, info));
    runHeapLoop(backend, 'adamUpdate', [...offsets, ...coefficients], size, ADAM_MIN_VALUES_TO_SPLIT);
  }
  return outputs;
};

/** The kernel for the cpu backend: the same loop on a scratch array [x, g, m, v, x′, m′, v′]. */
export const adamUpdateCpu: tf.KernelFunc = (args) => {
  const backend = args.backend as unknown as CpuBackendLike;
  const { tensors, accBeta1, accBeta2 } = checkedInputs(args.inputs);
  const scalarOf = (info: tf.TensorInfo) => (backend.readSync(info.dataId) as Float32Array)[0];
  const coefficients = adamCoefficients(args.attrs as unknown as AdamUpdateAttrs, scalarOf(accBeta1), scalarOf(accBeta2));
  const shape = tensors[0].shape;
  const size = tf.util.sizeFromShape(shape);
  const scratch = new Float32Array(7 * size);
  tensors.forEach((info, k) => scratch.set(backend.readSync(info.dataId) as Float32Array, k * size));
  const offsets = [0, 1, 2, 3, 4, 5, 6].map((k) => k * size);
  HEAP_LOOPS.adamUpdate(scratch, Float64Array.from([...offsets, ...coefficients]), 0, size, null);
  return [4, 5, 6].map((k) => backend.makeTensorInfo(shape, 'float32', scratch.slice(k * size, (k + 1) * size)));
};

/**
 * One fused Adam step for one variable on the active backend (which must have the kernel:
 * wasm or cpu, with the kit's patches registered).
 *
 * @param x the variable's values.
 * @param gradient its gradient (same shape).
 * @param firstMoment its first moment m (same shape).
 * @param secondMoment its second moment v (same shape).
 * @param accBeta1 β₁ᵗ for this step (a float32 scalar).
 * @param accBeta2 β₂ᵗ for this step.
 * @param attrs the optimizer's hyper-parameters.
 * @returns [x′, m′, v′], new tensors (the caller assigns or disposes them).
 */
export function adamUpdate(
  x: tf.Tensor,
  gradient: tf.Tensor,
  firstMoment: tf.Tensor,
  secondMoment: tf.Tensor,
  accBeta1: tf.Tensor,
  accBeta2: tf.Tensor,
  attrs: AdamUpdateAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs = { x, gradient, firstMoment, secondMoment, accBeta1, accBeta2 };
  return tf.engine().runKernel(ADAM_UPDATE_KERNEL, inputs as unknown as tf.NamedTensorMap, { ...attrs }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

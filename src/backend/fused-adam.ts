/**
 * Fused Adam: makes `tf.train.adam` (tfjs' AdamOptimizer) update each variable with one kernel,
 * {@link ADAM_UPDATE_KERNEL}, instead of its ~12 element-wise kernels, wherever the active
 * backend has that kernel (wasm and cpu once the kit's patches are registered; tfjs-node and
 * webgl keep the stock update). On the bench MLP that is ~100 small kernels per step fewer.
 *
 * Only `AdamOptimizer.prototype.applyGradients` is replaced, by a copy of tfjs' own method
 * (tfjs-core 4.22) whose per-variable arithmetic is the kernel. Everything else is the stock
 * optimizer's: the state layout (`accumulatedFirstMoment` / `accumulatedSecondMoment` slot
 * variables named `<variable>/m` and `/v`, the scalars `accBeta1` = β₁ᵗ and `accBeta2`),
 * `getWeights` / `setWeights` / `saveIterations`, so checkpoints written with either load in the
 * other. The fields `learningRate`, `beta1`, `beta2` and `epsilon` are read at every step (the
 * kit's schedules set `learningRate` between steps). The results are the stock optimizer's bit
 * for bit (the kernel rounds every operation to float32 in tfjs' order).
 *
 * A step whose gradients the kernel cannot take (not float32, or not of the variable's shape)
 * runs the stock method. {@link patchWasmKernels} installs the patch and
 * {@link unpatchWasmKernels} removes it, together with the kernel patches.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, adamUpdate, adamUpdateCpu } from './kernels/adam-update';

/** tfjs' AdamOptimizer's fields (private or protected in its typings) that the update uses. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable }>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable }>;
  incrementIterations(): void;
}

/** What `applyGradients` receives: a map or a list of named gradients. */
type VariableGradients = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;

type ApplyGradients = (this: tf.AdamOptimizer, variableGradients: VariableGradients) => void;

/** Marks the fused method and holds the stock one it replaced (so any copy of the kit can undo it). */
const STOCK_METHOD = Symbol.for('contrastive-kit.fusedAdam.stockApplyGradients');

type FusedApplyGradients = ApplyGradients & { [STOCK_METHOD]: ApplyGradients };

function stockMethodOf(method: ApplyGradients): ApplyGradients | null {
  return (method as Partial<FusedApplyGradients>)[STOCK_METHOD] ?? null;
}

/** The gradient of variable `index` (named `name`), or null when the step has none for it. */
function gradientAt(variableGradients: VariableGradients, name: string, index: number): tf.Tensor | null {
  const gradient = Array.isArray(variableGradients) ? variableGradients[index].tensor : variableGradients[name];
  return gradient ?? null;
}

/** Whether the kernel can run this step: the backend has it, and every gradient fits its variable. */
function canFuse(names: string[], variableGradients: VariableGradients): boolean {
  if (tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) === undefined) return false;
  return names.every((name, index) => {
    const value = tf.engine().registeredVariables[name];
    const gradient = gradientAt(variableGradients, name, index);
    if (value === undefined) return false;
    if (gradient === null) return true;
    return value.dtype === 'float32' && gradient.dtype === 'float32' && tf.util.arraysEqual(value.shape, gradient.shape);
  });
}

/** A zero slot variable like `value` (made as tfjs makes Adam's moment slots: not trainable). */
function zeroSlot(value: tf.Variable): tf.Variable {
  return tf.tidy(() => tf.zerosLike(value).variable(false));
}

/** The fused `applyGradients`, falling back to `stock` where the kernel cannot run. */
function fusedApplyGradients(stock: ApplyGradients): FusedApplyGradients {
  const fused = function (this: tf.AdamOptimizer, variableGradients: VariableGradients): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((entry) => entry.name) : Object.keys(variableGradients);
    if (!canFuse(names, variableGradients)) {
      stock.call(this, variableGradients);
      return;
    }
    const adam = this as unknown as AdamState;
    tf.tidy(() => {
      names.forEach((name, index) => {
        const value = tf.engine().registeredVariables[name];
        // The slots are made (in this order) even for a variable without a gradient, as tfjs does.
        adam.accumulatedFirstMoment[index] ??= { originalName: `${name}/m`, variable: zeroSlot(value) };
        adam.accumulatedSecondMoment[index] ??= { originalName: `${name}/v`, variable: zeroSlot(value) };
        const gradient = gradientAt(variableGradients, name, index);
        if (gradient === null) return;
        const firstMoment = adam.accumulatedFirstMoment[index].variable;
        const secondMoment = adam.accumulatedSecondMoment[index].variable;
        const [newValue, newFirstMoment, newSecondMoment] = adamUpdate(value, gradient, firstMoment, secondMoment, adam.accBeta1, adam.accBeta2, {
          learningRate: adam.learningRate,
          beta1: adam.beta1,
          beta2: adam.beta2,
          epsilon: adam.epsilon,
        });
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        value.assign(newValue);
      });
      adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
      adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
    });
    adam.incrementIterations();
  } as FusedApplyGradients;
  fused[STOCK_METHOD] = stock;
  return fused;
}

/**
 * Makes every AdamOptimizer (existing ones too) use the fused update where the backend has the
 * kernel, and registers the kernel's cpu version. Safe to call any number of times.
 */
export function installFusedAdam(): void {
  if (tf.getKernel(ADAM_UPDATE_KERNEL, 'cpu') === undefined) {
    tf.registerKernel({ kernelName: ADAM_UPDATE_KERNEL, backendName: 'cpu', kernelFunc: adamUpdateCpu });
  }
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
  if (stockMethodOf(prototype.applyGradients) !== null) return;
  prototype.applyGradients = fusedApplyGradients(prototype.applyGradients);
}

/** Puts tfjs' own `applyGradients` back and unregisters the cpu kernel. */
export function uninstallFusedAdam(): void {
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
  const stock = stockMethodOf(prototype.applyGradients);
  if (stock !== null) prototype.applyGradients = stock;
  if (tf.getKernel(ADAM_UPDATE_KERNEL, 'cpu') !== undefined) tf.unregisterKernel(ADAM_UPDATE_KERNEL, 'cpu');
}

/** Whether `tf.train.adam` optimizers use the fused update (where the backend has the kernel). */
export function fusedAdamInstalled(): boolean {
  return stockMethodOf((tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients }).applyGradients) !== null;
}

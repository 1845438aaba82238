/**
 * Test helper: hands a part's saved state back to it as a checkpoint would — without a file — so
 * tests of a {@link Checkpointable} can save, check and restore it and read the problems it
 * reports.
 */
import type { CheckpointPart, StoredPart, StoredTensor } from '../runtime/checkpointable';

/** A {@link StoredPart} over saved state, and the problems reported through it. */
export interface StoredPartProbe {
  stored: StoredPart;
  problems: string[];
}

/**
 * A {@link StoredPart} holding `saved` (optionally edited first), collecting problems as a
 * checkpoint does: a missing tensor is reported as "it has no '<name>'".
 *
 * @param saved what the part's `saveCheckpoint` returned.
 * @param label how messages name the part (default `the part`).
 */
export function storedPart(saved: CheckpointPart, label = 'the part'): StoredPartProbe {
  const problems: string[] = [];
  const tensors: Record<string, StoredTensor> = saved.tensors ?? {};
  const stored: StoredPart = {
    label,
    json: saved.json === undefined ? undefined : JSON.parse(JSON.stringify(saved.json)),
    tensor(name) {
      const tensor = tensors[name];
      if (!tensor) problems.push(`it has no '${name}'`);
      return tensor;
    },
    problem: (text) => problems.push(text),
  };
  return { stored, problems };
}

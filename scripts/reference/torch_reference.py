#!/usr/bin/python3
"""PyTorch reference runs of the full-mode recipes of notebooks 01 and 02.

Trains, in PyTorch and independently of TensorFlow.js, exactly the recipe that the notebook's
full mode trains for its main run, evaluates it with the kit's weighted-kNN protocol and writes
the result to scripts/reference/torch-reference.json (atomically; the other notebook's entry is
kept). The notebooks print the accuracy from that file next to their `knnTarget`
(`torchReferenceRun` in src/notebook/torch-reference.ts reads and checks it).

    /usr/bin/python3 scripts/reference/torch_reference.py 01 02 --threads 1
    /usr/bin/python3 scripts/reference/torch_reference.py 02 --steps 200   # time a few steps, write nothing
    /usr/bin/python3 scripts/reference/torch_reference.py 01 --no-calibrate   # an experiment, writes nothing

The recipes (settings of the notebooks' `fullSettings`, read from the notebook source at run time
and stored with the result):

- 01-contrastive-loss: DrLIM contrastive loss (margin 1, the kit's `contrastiveLoss`: mean over
  the batch of ½·d² for similar pairs and ½·max(m − d, 0)² for dissimilar ones) on unnormalised
  128-d outputs of the bench CNN; 80 label pairs per step, built like `labelledPairBatches`
  (every training image once per epoch as the left image, exactly half of each batch similar,
  partner a random other image of the class or a random image of another class, last partial
  batch dropped): 750 steps per epoch, 12 epochs; Adam, learning rate 1e-3 decayed to 0 along a
  cosine over the run. Before training the output layer is rescaled once so that 256 random
  training pairs start at mean distance 1 (the notebook's `calibrateOutputScale`; the distance
  before it is stored as `initialDistance`: PyTorch's initialisation starts far inside the margin,
  so here the calibration scales the output layer up, where the kit's He initialisation has it
  scaled down).
- 02-triplet-loss: triplet loss (margin 0.2, squared distances on L2-normalised 128-d outputs of
  the bench CNN) with the kit's semi-hard mining (`mineSemiHard`: for every anchor–positive pair
  the closest negative with D_ap < D_an < D_ap + margin, else the farthest with D_an ≤ D_ap, else
  the closest), averaged over all anchor–positive pairs; P×K batches of 10 classes × 10 images
  built like `classBalancedBatches`: 600 steps per epoch, 3.3 epochs (1 980 steps); Adam 1e-3
  decayed to 0 along a cosine.

The bench CNN: conv 3×3·32 'valid' → ReLU → maxpool 2 → conv 3×3·64 → ReLU → maxpool 2 → dense
128 → ReLU → dense 128 (no BatchNorm); inputs are pixels / 255. Adam with tfjs' defaults
(β1 0.9, β2 0.999, ε 1e-7).

Evaluation, as the kit's `evaluateEncoder` (src/eval/evaluate.ts, knn-classify.ts): embed all
60 000 training and 10 000 test images, L2-normalise (cosine similarity), take each test image's
k = 200 nearest training embeddings (the kit's k: 200, capped at a third of the smallest class),
let them vote with weight exp(s / 0.1) for their class; top-1 = the class with the largest sum
(ties to the lower class index). 1-NN is the nearest training embedding's class.

What differs from the kit, on purpose: the initial weights (PyTorch's default initialisation,
uniform ±1/√fan-in, not the kit's He/Glorot draws from its own PRNG), the random streams of the
batch builders (numpy's, seeded by --seed, not the kit's), the NCHW layout of PyTorch (flatten
order; no effect on what can be learned), and float32 arithmetic in OpenBLAS instead of wasm.
So the accuracy of a run differs from the kit's by run-to-run noise; it is a yardstick for the
targets, not a bit-for-bit replica.

Threads: pass --threads (1 on a shared machine); as in scripts/bench_torch.py the thread
variables are set before torch is imported and glibc's malloc thresholds are raised.
"""
import argparse
import datetime
import gzip
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(HERE, "torch-reference.json")
FORMAT = "contrastive-kit-torch-reference"
NOTEBOOKS = {"01": "01-contrastive-loss", "02": "02-triplet-loss"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", choices=sorted(NOTEBOOKS), help="which recipes to run (01, 02)")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the weights and the batch order (default 42)")
    parser.add_argument("--data", default=None, help="Fashion-MNIST idx directory (default: as the kit finds it)")
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (timing only; implies --dry-run)")
    parser.add_argument("--dry-run", action="store_true", help="do not write the JSON")
    parser.add_argument("--no-curve", action="store_true", help="skip the kNN evaluation after every epoch")
    parser.add_argument("--no-calibrate", action="store_true",
                        help="01: skip the output-scale calibration (an experiment, not the recipe; implies --dry-run)")
    args = parser.parse_args()
    if args.steps > 0 or args.no_calibrate:
        args.dry_run = True
    return args


ARGS = parse_args()
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = str(ARGS.threads)


sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/
from torch_malloc import raise_malloc_thresholds  # noqa: E402  (as scripts/bench_torch.py)

MALLOPT = raise_malloc_thresholds()

import numpy as np  # noqa: E402
import torch  # noqa: E402  (after the thread variables above)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(ARGS.threads)

# ---- the kit's constants ----------------------------------------------------------------------
LEARNING_RATE = 1e-3
ADAM = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}  # tf.train.adam's defaults
KNN = {"k": 200, "temperature": 0.1, "metric": "cosine", "normalize": True}  # src/eval/evaluate.ts
OUTPUT_DIM = 128


# ---- the notebooks' settings -------------------------------------------------------------------

def notebook_settings(notebook):
    """The `fullSettings` numbers of the notebook source, and the constants of its recipe cells."""
    path = os.path.join(ROOT, "notebooks", f"{notebook}.ipynb")
    with open(path, encoding="utf8") as file:
        cells = json.load(file)["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    block = re.search(r"const fullSettings = \{(.*?)\n\};", code, re.S)
    if not block:
        raise SystemExit(f"{path}: no `const fullSettings = {{ ... }};` block")
    numbers = {k: float(v) for k, v in re.findall(r"^\s*(\w+): ([0-9.]+),", block.group(1), re.M)}
    strings = dict(re.findall(r"^\s*(\w+): '(\w+)'", block.group(1), re.M))

    def constant(pattern, what):
        found = re.search(pattern, code)
        if not found:
            raise SystemExit(f"{path}: cannot find {what} ({pattern})")
        return float(found.group(1))

    settings = {"encoder": strings["encoder"], "schedule": strings["schedule"], "epochs": numbers["epochs"],
                "knnTarget": numbers["knnTarget"]}
    if notebook == "01-contrastive-loss":
        settings["pairsPerStep"] = int(constant(r"const PAIRS_PER_STEP = (\d+);", "PAIRS_PER_STEP"))
        settings["margin"] = constant(r"margin: ([0-9.]+),\s*pairsPerStep: PAIRS_PER_STEP", "the main run's margin")
    else:
        settings["classesPerBatch"] = int(constant(r"const P = (\d+),", "P"))
        settings["samplesPerClass"] = int(numbers["samplesPerClass"])
        settings["margin"] = constant(r"MARGIN = ([0-9.]+);", "MARGIN")
        settings["strategy"] = "semi-hard"
    if settings["encoder"] != "cnn" or settings["schedule"] != "cosine":
        raise SystemExit(f"{notebook}: this script trains the bench CNN with a cosine schedule, the notebook's "
                         f"full recipe says encoder {settings['encoder']}, schedule {settings['schedule']}")
    return settings


# ---- data ----------------------------------------------------------------------------------------

def data_dir():
    candidates = [ARGS.data, os.environ.get("FASHION_MNIST_DIR"), os.path.join(ROOT, "datasets", "fashion-mnist"),
                  "/usr/share/datasets/fashion-mnist"]
    for candidate in candidates:
        if candidate and os.path.exists(os.path.join(candidate, "train-images-idx3-ubyte.gz")):
            return candidate
    raise SystemExit("the full Fashion-MNIST was not found (npm run fetch-data, or --data DIR)")


def read_idx(path):
    with gzip.open(path, "rb") as file:
        raw = file.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_data():
    directory = data_dir()
    split = {}
    for name, prefix in (("train", "train"), ("test", "t10k")):
        images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"))
        pixels = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # [n, 1, 28, 28]
        split[name] = (pixels, torch.from_numpy(labels.astype(np.int64)))
    return directory, split


# ---- the bench CNN --------------------------------------------------------------------------------

def bench_cnn():
    """createCnnEncoder's defaults, in PyTorch with its default initialisation."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, OUTPUT_DIM),
    )


def cosine_rate(step, total):
    """cosineSchedule({ learningRate: 1e-3, totalSteps }) of src/train/schedules.ts."""
    return LEARNING_RATE * 0.5 * (1 + math.cos(math.pi * min(1.0, step / total)))


# ---- batch builders (src/data/batches.ts) ---------------------------------------------------------

def by_class(labels):
    labels = labels.numpy()
    return [np.flatnonzero(labels == c) for c in range(int(labels.max()) + 1)]


def labelled_pair_batches(labels, classes, batch_size, rng):
    """labelledPairBatches(labels, { batchSize, dropLast: true }) for one epoch."""
    labels = labels.numpy()
    total = len(labels)
    order = rng.permutation(total)
    batches = []
    for start in range(0, total - batch_size + 1, batch_size):
        left = order[start:start + batch_size]
        similar = np.zeros(batch_size, dtype=np.float32)
        similar[:round(0.5 * batch_size)] = 1
        rng.shuffle(similar)
        right = np.empty(batch_size, dtype=np.int64)
        for i, item in enumerate(left):
            members = classes[labels[item]]
            if similar[i]:
                partner = item
                while partner == item:
                    partner = members[rng.integers(len(members))]
            else:
                partner = rng.integers(total)  # uniform over the images of the other classes
                while labels[partner] == labels[item]:
                    partner = rng.integers(total)
            right[i] = partner
        batches.append((left, right, similar))
    return batches


def class_balanced_batches(classes, per_batch, per_class, rng):
    """classBalancedBatches(labels, { classesPerBatch, samplesPerClass }) for one epoch."""
    groups = []
    for members in classes:
        shuffled = rng.permutation(members)
        own = []
        for start in range(0, len(shuffled), per_class):
            group = list(shuffled[start:start + per_class])
            while len(group) < per_class:  # top up the last group with other members of the class
                extra = members[rng.integers(len(members))]
                if extra not in group:
                    group.append(extra)
            own.append(group)
        groups.append(own)
    batches = []
    while any(groups):
        with_groups = [c for c in range(len(classes)) if groups[c]]
        rng.shuffle(with_groups)
        with_groups.sort(key=lambda c: -len(groups[c]))  # stable: random among ties
        chosen = with_groups[:per_batch]
        fill = [c for c in rng.permutation(len(classes)) if c not in chosen][:per_batch - len(chosen)]
        indices, batch_labels = [], []
        for c in chosen + fill:
            indices += groups[c].pop() if c in chosen else list(rng.permutation(classes[c])[:per_class])
            batch_labels += [c] * per_class
        batches.append((np.array(indices), np.array(batch_labels)))
    return batches


# ---- losses (src/losses) ---------------------------------------------------------------------------

def contrastive_loss(x1, x2, similar, margin):
    """contrastiveLoss: mean of ½·d² (similar) and ½·max(m − d, 0)² (dissimilar); d from a safe sqrt."""
    squared = ((x1 - x2) ** 2).sum(1)
    d = torch.where(squared > 1e-12, torch.sqrt(squared.clamp_min(1e-12)), torch.zeros_like(squared))
    terms = similar * 0.5 * squared + (1 - similar) * 0.5 * F.relu(margin - d) ** 2
    return terms.mean()


def pairwise_squared(x):
    """pairwiseSquaredDistances: ‖a‖² + ‖b‖² − 2a·b, clamped at 0."""
    norms = (x * x).sum(1)
    return F.relu(norms[:, None] + norms[None, :] - 2 * x @ x.t())


def semi_hard_triplet_loss(embeddings, labels, margin):
    """batchTripletLoss(..., { strategy: 'semi-hard', margin, squared: true }) with mineSemiHard."""
    distances = pairwise_squared(embeddings)  # [B, B]
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    positive_pairs = same & ~eye  # [a, p]
    with torch.no_grad():
        d = distances.detach()
        d_ap = d[:, :, None]  # [a, p, 1]
        d_an = d[:, None, :].expand(-1, len(labels), -1)  # [a, 1→p, n]
        negative = (~same)[:, None, :]  # [a, 1, n]
        inf = torch.tensor(float("inf"))
        beyond = negative & (d_an > d_ap)
        closest_beyond, beyond_index = torch.where(beyond, d_an, inf).min(2)  # [a, p]
        in_band = closest_beyond - d[:, :] < margin
        hard = negative & (d_an <= d_ap)
        has_hard = hard.any(2)
        easiest_hard = torch.where(hard, d_an, -inf).max(2).indices  # [a, p]
        closest = torch.where(negative, d_an, inf).min(2).indices  # [a, p]
        chosen = torch.where(in_band, beyond_index, torch.where(has_hard, easiest_hard, closest))
    anchors, positives = positive_pairs.nonzero(as_tuple=True)
    negatives = chosen[anchors, positives]
    gap = distances[anchors, positives] - distances[anchors, negatives]
    return F.relu(gap + margin).mean()


# ---- evaluation (src/eval) ----------------------------------------------------------------------

@torch.no_grad()
def embed(model, pixels, chunk=1000):
    model.eval()
    out = torch.cat([model(pixels[i:i + chunk]) for i in range(0, len(pixels), chunk)])
    model.train()
    return out


@torch.no_grad()
def weighted_knn(model, data, k=KNN["k"], temperature=KNN["temperature"], chunk=500):
    """Weighted kNN top-1 (weights exp(s/σ), cosine) and 1-NN top-1, test vs train."""
    (train_x, train_y), (test_x, test_y) = data["train"], data["test"]
    smallest = int(torch.bincount(train_y).min())
    k = max(1, min(k, smallest // 3))  # defaultKnnNeighbours
    reference = F.normalize(embed(model, train_x), dim=1).t().contiguous()  # [dim, n]
    queries = F.normalize(embed(model, test_x), dim=1)
    num_classes = int(train_y.max()) + 1
    knn_correct = one_correct = 0
    for start in range(0, len(queries), chunk):
        similarities, indices = (queries[start:start + chunk] @ reference).topk(k, dim=1)
        neighbour_labels = train_y[indices]  # [q, k]
        weights = (similarities.double() / temperature).exp()
        scores = torch.zeros(len(indices), num_classes, dtype=torch.float64).scatter_add_(1, neighbour_labels, weights)
        truth = test_y[start:start + chunk]
        knn_correct += int((scores.argmax(1) == truth).sum())  # argmax: first (lowest) class on ties
        one_correct += int((neighbour_labels[:, 0] == truth).sum())
    return {"knnTop1": knn_correct / len(test_y), "oneNNTop1": one_correct / len(test_y), "k": k}


# ---- the runs ---------------------------------------------------------------------------------

def calibrate_output_scale(model, train_x, rng, target=1.0):
    """The notebook's calibrateOutputScale: 256 random training pairs start at mean distance target."""
    a = torch.from_numpy(rng.integers(len(train_x), size=256))
    b = torch.from_numpy(rng.integers(len(train_x), size=256))
    with torch.no_grad():
        before = float((model(train_x[a]) - model(train_x[b])).norm(dim=1).mean())
        model[-1].weight.mul_(target / before)
        model[-1].bias.mul_(target / before)  # the kit's bias is 0 at init; PyTorch's is not
    return before


def run(notebook, data):
    settings = notebook_settings(notebook)
    torch.manual_seed(ARGS.seed)
    rng = np.random.default_rng(ARGS.seed)
    train_x, train_y = data["train"]
    classes = by_class(train_y)
    model = bench_cnn()
    extra = {}
    if notebook == "01-contrastive-loss":
        steps_per_epoch = len(train_y) // settings["pairsPerStep"]
        if not ARGS.no_calibrate:
            extra["initialDistance"] = calibrate_output_scale(model, train_x, rng, settings["margin"])
    else:
        steps_per_epoch = len(train_y) // (settings["classesPerBatch"] * settings["samplesPerClass"])
    total_steps = round(settings["epochs"] * steps_per_epoch)
    untrained = weighted_knn(model, data) if not ARGS.steps else None
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(ADAM["beta1"], ADAM["beta2"]),
                                 eps=ADAM["epsilon"])
    stop = min(total_steps, ARGS.steps) if ARGS.steps else total_steps
    step, epoch, seconds, curve, losses = 0, 0, 0.0, [], []
    print(f"{notebook}: {total_steps} steps ({steps_per_epoch} per epoch), {ARGS.threads} thread(s)", file=sys.stderr)
    while step < stop:
        if notebook == "01-contrastive-loss":
            batches = labelled_pair_batches(train_y, classes, settings["pairsPerStep"], rng)
        else:
            batches = class_balanced_batches(classes, settings["classesPerBatch"], settings["samplesPerClass"], rng)
        started = time.perf_counter()
        for batch in batches:
            if step >= stop:
                break
            for group in optimizer.param_groups:
                group["lr"] = cosine_rate(step, total_steps)
            optimizer.zero_grad(set_to_none=True)
            if notebook == "01-contrastive-loss":
                left, right, similar = batch
                both = model(train_x[torch.from_numpy(np.concatenate([left, right]))])
                x1, x2 = both.chunk(2)
                loss = contrastive_loss(x1, x2, torch.from_numpy(similar), settings["margin"])
            else:
                indices, labels = batch
                embeddings = F.normalize(model(train_x[torch.from_numpy(indices)]), dim=1)
                loss = semi_hard_triplet_loss(embeddings, torch.from_numpy(labels), settings["margin"])
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
            step += 1
            if step % 250 == 0:
                print(f"  step {step}/{stop}: loss {np.mean(losses[-250:]):.4f}, "
                      f"{seconds + time.perf_counter() - started:.0f} s", file=sys.stderr)
        seconds += time.perf_counter() - started
        epoch += 1
        if not ARGS.no_curve and not ARGS.steps and step < total_steps:
            curve.append({"epoch": epoch, "step": step, **weighted_knn(model, data)})
            print(f"  epoch {epoch}: weighted kNN {100 * curve[-1]['knnTop1']:.2f} %", file=sys.stderr)
    if ARGS.steps:
        return {"steps": step, "trainingSeconds": seconds, "secondsPerStep": seconds / step,
                "projectedTrainingSeconds": seconds / step * total_steps}
    evaluated = time.perf_counter()
    final = weighted_knn(model, data)
    curve.append({"epoch": round(step / steps_per_epoch, 4), "step": step, **final})
    return {
        "knnTop1": final["knnTop1"],
        "oneNNTop1": final["oneNNTop1"],
        "untrainedKnnTop1": untrained["knnTop1"],
        "epochs": step / steps_per_epoch,
        "steps": step,
        "trainingSeconds": round(seconds, 1),
        "evaluationSeconds": round(time.perf_counter() - evaluated, 1),
        "firstLoss": float(np.mean(losses[:20])),
        "lastLoss": float(np.mean(losses[-20:])),
        "curve": curve,
        "settings": {**settings, "outputDim": OUTPUT_DIM, "stepsPerEpoch": steps_per_epoch, "steps": total_steps,
                     "learningRate": LEARNING_RATE, "adam": ADAM, "init": "pytorch", "seed": ARGS.seed,
                     "train": len(train_y), "test": len(data["test"][1])},
        "evaluation": {**KNN, "k": final["k"]},
        **extra,
    }


def environment():
    blas = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench_torch.py"), "--blas-only", "--threads",
                           str(ARGS.threads)], capture_output=True, text=True, check=True)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), None)
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = None
    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "mallopt": MALLOPT,
        "blas": json.loads(blas.stdout)["blasEvidence"],
        "machine": f"{cpu}, {os.cpu_count()} cores, {platform.system().lower()} {platform.release()}",
        "commit": commit or None,
        "command": "/usr/bin/python3 scripts/reference/torch_reference.py " + " ".join(sys.argv[1:]),
    }


def write_atomically(path, document):
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".torch-reference-")
    with os.fdopen(handle, "w", encoding="utf8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def main():
    directory, data = load_data()
    env = environment()
    results = {}
    for key in ARGS.notebooks:
        notebook = NOTEBOOKS[key]
        result = run(notebook, data)
        result.update({"data": directory, **env, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")})
        results[notebook] = result
        print(json.dumps({notebook: {k: v for k, v in result.items() if k != "curve"}}, indent=1), file=sys.stderr)
        if not ARGS.dry_run:
            document = {"format": FORMAT, "version": 1, "runs": {}}
            if os.path.exists(OUT):
                with open(OUT, encoding="utf8") as file:
                    document = json.load(file)
            document["runs"][notebook] = result
            document["runs"] = dict(sorted(document["runs"].items()))
            write_atomically(OUT, document)
            print(f"written to {os.path.relpath(OUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The PyTorch yardstick for `npm run bench -- --compare-torch` (scripts/bench.ts).

Runs the bench's workloads in PyTorch with the same shapes, loss and optimizer, and prints ONE
JSON object on stdout. Run it with Debian's python3-torch:

    /usr/bin/python3 scripts/bench_torch.py --threads 1 --steps 10
    /usr/bin/python3 scripts/bench_torch.py --blas-only     # only which BLAS PyTorch computes with

PyTorch at its best on this kind of machine needs two things done BEFORE torch is imported:
- the thread count in OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS (and
  torch.set_num_threads), so that intra-op parallelism is what we ask for;
- glibc malloc's mmap/trim thresholds raised (mallopt), otherwise large activation buffers are
  returned to the OS after every step and faulted in again, which made CNN steps 3-8x slower.
And an optimised BLAS: Debian's torch links libblas.so.3, which is the reference netlib library
(10-20x slower) unless libopenblas0-pthread is installed. `blasEvidence` in the output says which
library computes the products; scripts/bench/blas.ts reads it and refuses to compare against netlib.
"""
import argparse
import ctypes
import json
import os
import re
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0 = PyTorch's default)")
    parser.add_argument("--steps", type=int, default=10, help="timed training steps per model")
    parser.add_argument("--warmup", type=int, default=3, help="untimed training steps first")
    parser.add_argument("--knn-scale", type=float, default=1.0, help="fraction of the kNN sizes (1 = 10k x 60k)")
    parser.add_argument("--skip", default="", help="comma-separated workloads to skip (mlp,cnn,knn)")
    parser.add_argument("--blas-only", action="store_true", help="only report which BLAS PyTorch computes with")
    return parser.parse_args()


ARGS = parse_args()
if ARGS.threads > 0:
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(ARGS.threads)


from torch_malloc import raise_malloc_thresholds  # noqa: E402  (scripts/torch_malloc.py)

MALLOPT = raise_malloc_thresholds()

import torch  # noqa: E402  (must come after the environment variables above)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

if ARGS.threads > 0:
    torch.set_num_threads(ARGS.threads)

BATCH = 256
TEMPERATURE = 0.1
LEARNING_RATE = 1e-3


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 128))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 128),
    )


def in_batch_info_nce(embeddings):
    """Same loss as the bench: first half queries, second half their positives, in-batch negatives."""
    unit = F.normalize(embeddings, dim=1)
    queries, keys = unit.chunk(2, dim=0)
    logits = queries @ keys.t() / TEMPERATURE
    return (torch.logsumexp(logits, dim=1) - logits.diagonal()).mean()


def bench_step(model, batch):
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = in_batch_info_nce(model(batch))
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(ARGS.warmup):
        step()
    wall, cpu = [], []
    for _ in range(ARGS.steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        step()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    ms = median(wall)
    return {"msPerStep": ms, "cpuMsPerStep": median(cpu), "samplesPerSec": BATCH * 1000 / ms, "steps": ARGS.steps}


class DlInfo(ctypes.Structure):
    """glibc's Dl_info, filled by dladdr()."""
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def blas_evidence():
    """Which BLAS this process computes with (read by scripts/bench/blas.ts).

    sgemm: the file that libtorch_cpu's sgemm_ resolves to (dlsym on libtorch_cpu, then dladdr),
      symlinks resolved: through Debian's alternatives, /lib/x86_64-linux-gnu/libblas.so.3 is
      openblas-pthread/libblas.so.3 or the netlib blas/libblas.so.3.11.0.
    loaded: every BLAS/LAPACK-looking library in /proc/self/maps (both may be mapped when
      libblas.so.3 and liblapack.so.3 point to different implementations; sgemm decides).
    buildInfo: BLAS_INFO of torch.__config__.show() ("generic" on Debian, "mkl" in pip wheels,
      whose BLAS is linked into libtorch_cpu itself).
    """
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))  # the BLAS is loaded and has been used
    loaded, torch_cpu = set(), None
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                if len(fields) < 6 or not fields[5].startswith("/"):
                    continue
                path = fields[5].strip()
                name = os.path.basename(path).lower()
                if torch_cpu is None and name.startswith("libtorch_cpu"):
                    torch_cpu = path
                if re.search(r"blas|blis|lapack|mkl|atlas", name):
                    loaded.add(path)
    except OSError:
        pass
    sgemm = None
    if torch_cpu is not None:
        try:
            address = ctypes.cast(ctypes.CDLL(torch_cpu).sgemm_, ctypes.c_void_p).value
            info = DlInfo()
            try:
                dladdr = ctypes.CDLL(None).dladdr  # glibc >= 2.34 has it in libc
            except AttributeError:
                dladdr = ctypes.CDLL("libdl.so.2").dladdr
            if dladdr(ctypes.c_void_p(address), ctypes.byref(info)) and info.dli_fname:
                sgemm = os.path.realpath(info.dli_fname.decode())
        except (OSError, AttributeError):
            pass  # no sgemm_ symbol (e.g. a BLAS linked into libtorch and hidden): buildInfo decides
    build = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return {"sgemm": sgemm, "loaded": sorted(loaded), "buildInfo": build.group(1) if build else None}


MATMUL_WARMUP = 10  # untimed products first, as scripts/bench/workloads.ts matmulPeak does


def bench_matmul(size=1024, repeats=15):
    """GFLOP/s of a plain [size, size] x [size, size] float32 product (median of `repeats` after
    MATMUL_WARMUP untimed ones; the same warm-up and repeats as the kit's matmulPeak)."""
    generator = torch.Generator().manual_seed(1)
    a = torch.randn(size, size, generator=generator)
    b = torch.randn(size, size, generator=generator)
    for _ in range(MATMUL_WARMUP):
        torch.mm(a, b)
    wall, cpu = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        torch.mm(a, b)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    flops = 2 * size ** 3
    return {"gflops": flops / median(wall) / 1e9, "cpuGflops": flops / max(median(cpu), 1e-9) / 1e9, "shape": f"{size}x{size}\u00b7{size}x{size}"}


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def bench_knn():
    scale = ARGS.knn_scale
    queries, references, dim, k = round(10_000 * scale), round(60_000 * scale), 128, 200
    generator = torch.Generator().manual_seed(5)
    q = torch.randn(queries, dim, generator=generator)
    r = torch.randn(references, dim, generator=generator)
    chunk = 256
    with torch.no_grad():
        start, cpu_start = time.perf_counter(), time.process_time()
        qn = F.normalize(q, dim=1)
        rn_t = F.normalize(r, dim=1).t().contiguous()
        for begin in range(0, queries, chunk):
            similarities = qn[begin:begin + chunk] @ rn_t
            torch.topk(similarities, k, dim=1)
        ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu_start) * 1000
    return {"ms": ms, "cpuMs": cpu_ms, "queries": queries, "references": references}


def main():
    torch.manual_seed(0)
    skip = set(filter(None, ARGS.skip.split(",")))
    result = {
        "backend": "pytorch",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "mallopt": MALLOPT,
        "blasEvidence": blas_evidence(),
    }
    if ARGS.blas_only:
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
        return
    result["matmul"] = bench_matmul()
    if "mlp" not in skip:
        result["mlp"] = bench_step(mlp(), torch.randn(BATCH, 784))
    if "cnn" not in skip:
        result["cnn"] = bench_step(cnn(), torch.randn(BATCH, 1, 28, 28))
    if "knn" not in skip:
        result["knn"] = bench_knn()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

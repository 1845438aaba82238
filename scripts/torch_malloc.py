"""Shared by the PyTorch scripts (scripts/bench_torch.py, scripts/reference/torch_reference.py):
glibc malloc settings that keep freed activation buffers in the heap between training steps
instead of returning them to the OS each step (which made PyTorch's step times jump)."""

import ctypes


def raise_malloc_thresholds():
    """Raises glibc's mmap and trim thresholds; returns whether glibc accepted them."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
    # 32 MiB is the largest mmap threshold glibc accepts on 64-bit (bigger values are refused);
    # the bench CNN's largest activation, 256 x 32 x 26 x 26 floats, is 22 MB.
    ok = libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
    ok &= libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    ok &= libc.mallopt(M_TOP_PAD, 256 << 20)
    return bool(ok)

"""Giving freed memory back to the operating system.

CPython and numpy free a closed generation's objects into the C library's heap, which keeps
most of it for reuse: without a trim, a server's resident size climbs with every publish even
though nothing is held. glibc's ``malloc_trim`` returns the free pages; on other C libraries
this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any


@functools.cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError, TypeError):
        return None
    return libc


def trim_heap() -> None:
    """Return the heap's free pages to the operating system (glibc); else nothing."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)

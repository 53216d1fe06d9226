"""Confine a query worker: no network, bounded memory, a stack deep enough for any query we accept.

The guard (``sparql/guard.py``) refuses SERVICE and LOAD by reading the query; this is the second layer,
so that even a query that got past the guard reaches nothing. On Linux a worker moves into a network
namespace of its own, which has no interface but a loopback that is down: every connection fails
with "network unreachable". As root that needs only ``unshare(CLONE_NEWNET)``; otherwise a user
namespace is made first, where the kernel allows it. Where neither is allowed, the worker says so and
the server warns at start-up.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import socket
import sys

__all__ = ["QUERY_STACK_BYTES", "isolate_network", "limit_memory", "network_reachable"]

# Oxigraph's parser recurses per nesting level and per operator; the main thread's 8 MB stack
# overflows (SIGSEGV) near 3,000 nested braces or 8,000 terms. Queries run in a thread with this
# stack, which holds the deepest query the size limit lets through (measured: 50,000 nested groups).
QUERY_STACK_BYTES = 512 * 1024 * 1024

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _unshare(flags: int) -> int:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    if libc.unshare(ctypes.c_int(flags)) == 0:
        return 0
    return ctypes.get_errno()


def isolate_network() -> str | None:
    """Cut this process off the network; None when done, else why it could not be.

    Must run before the process starts threads (a user namespace needs a single-threaded process)."""
    if not sys.platform.startswith("linux"):
        return f"network namespaces are a Linux feature; this platform is {sys.platform}"
    errors = []
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        err = _unshare(flags)
        if err == 0:
            return None if not network_reachable() else "the new network namespace still reaches the network"
        errors.append(os.strerror(err))
    return "the kernel refused a network namespace (" + "; ".join(errors) + ")"


def network_reachable() -> bool:
    """Whether this process can open a TCP connection to anything (probed on loopback, port 9)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        try:
            s.connect(("127.0.0.1", 9))
        except ConnectionRefusedError:
            return True  # the loopback answered: the network is there
        except OSError:
            return False
    return True


def limit_memory(extra_bytes: int) -> int:
    """Let this process map at most ``extra_bytes`` more than it has now (RLIMIT_AS); the limit set.

    An allocation past it fails: Python raises MemoryError, and Oxigraph aborts the process, which
    the pool sees as a stopped worker and replaces."""
    with open("/proc/self/status", encoding="ascii") as f:
        size_kb = next(int(line.split()[1]) for line in f if line.startswith("VmSize:"))
    limit = size_kb * 1024 + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit

"""Start the real server as a subprocess on a free loopback port, and wait until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def running_server(root: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    port = free_port()
    full_env = {**{k: v for k, v in os.environ.items() if k != "KG_ROOT"}, **(env or {})}
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "kg_builder", "serve", "--port", str(port), *args],
                               cwd=root, env=full_env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError("server exited: " + log.read().decode("utf-8", "replace"))
            try:
                if httpx.get(url + "/api/build", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer within 60 s")
            time.sleep(0.05)  # polling interval while the server starts, not a synchronisation guess
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()

"""A throwaway PostgreSQL server from Debian's package, on loopback, for the store tests (and the replica set).

PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` account the package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile


def bin_dir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
    return os.path.dirname(found[-1])


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """initdb + pg_ctl start in a temporary folder; `url` for the store; `stop()` removes everything."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="coop-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data, self.port = os.path.join(self.dir, "data"), free_port()
        b = bin_dir()
        run = lambda cmd: subprocess.run(_as_server_user(cmd), check=True, capture_output=True, timeout=120)  # noqa: E731
        run([f"{b}/initdb", "-D", self.data, "-U", "coop", "--auth=trust", "-E", "UTF8", "--no-instructions"])
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        run([f"{b}/pg_ctl", "-D", self.data, "-o", opts, "-l", os.path.join(self.dir, "log"), "-w", "start"])
        self.url = f"postgresql://coop@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(
            _as_server_user([f"{bin_dir()}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.dir, ignore_errors=True)

"""Start a replica set on this machine, no containers: PostgreSQL (Debian's package, unless --store is given),
N `streamlit run` replicas on one shared store, nginx (Debian's package) in front with sticky sessions.

    python tools/replicas.py [--replicas 2] [--port 8080] [--store postgresql://user@host/db]

Everything listens on 127.0.0.1 only; Ctrl-C stops it all. Tests and the benchmark use `ReplicaSet`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.pg_server import Server, free_port  # noqa: E402

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"


def _wait_healthy(url: str, proc: subprocess.Popen, what: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        try:
            if urllib.request.urlopen(url, timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout:.0f} s")


def nginx_config(listen: int | str, rundir: str, replicas: dict[str, int | str]) -> str:
    """nginx's configuration for these replicas (name -> port on loopback, or host:port), listening on `listen`."""
    ups = "\n".join(
        f"    upstream replica_{name} {{ server {a if isinstance(a, str) else f'127.0.0.1:{a}'}; }}"
        for name, a in replicas.items()
    )
    names = list(replicas)
    share = f"{100 / len(names):.2f}"
    split = "\n".join(f"        {share}% {n};" for n in names[:-1]) + f"\n        * {names[-1]};"
    routes = "\n".join(f"        {n} {n};" for n in names)
    return (
        TEMPLATE.read_text()
        .replace("@LISTEN@", listen if isinstance(listen, str) else f"127.0.0.1:{listen}")
        .replace("@RUNDIR@", rundir)
        .replace("@UPSTREAMS@", ups)
        .replace("@SPLIT@", split)
        .replace("@ROUTES@", routes)
    )


class ReplicaSet:
    """The whole set; `url` is nginx's address, `replicas` each replica's own (name -> URL)."""

    def __init__(self, n: int = 2, port: int = 0, store: str = ""):
        self.procs: list[subprocess.Popen] = []
        self.pg = None if store else Server()
        self.store = store or self.pg.url
        self.rundir = tempfile.mkdtemp(prefix="coop-replicas-")
        os.chmod(self.rundir, 0o755)
        self.replicas: dict[str, str] = {}
        try:
            ports = {chr(ord("a") + i): free_port() for i in range(n)}
            env = {**os.environ, "COOP_DATA_STORE": self.store}
            for name, p in ports.items():
                cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(p)]
                cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
                log = open(os.path.join(self.rundir, f"replica_{name}.log"), "wb")
                self.procs.append(
                    subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
                )
                self.replicas[name] = f"http://127.0.0.1:{p}"
            for (name, url), proc in zip(self.replicas.items(), self.procs):
                _wait_healthy(url + "/_stcore/health", proc, f"replica {name}")
            for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
                os.makedirs(os.path.join(self.rundir, d), mode=0o777, exist_ok=True)
                os.chmod(os.path.join(self.rundir, d), 0o777)
            listen = port or free_port()
            conf = os.path.join(self.rundir, "nginx.conf")
            Path(conf).write_text(nginx_config(listen, self.rundir, ports))
            nginx = shutil.which("nginx") or "/usr/sbin/nginx"
            self.procs.append(
                subprocess.Popen([nginx, "-c", conf, "-p", self.rundir], stderr=subprocess.PIPE)
            )
            self.url = f"http://127.0.0.1:{listen}"
            _wait_healthy(self.url + "/_stcore/health", self.procs[-1], "nginx")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.pg:
            self.pg.stop()
        shutil.rmtree(self.rundir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


# The containers' nginx: same template, the compose services as upstreams (tests check the file is current).
COMPOSE_NGINX = ROOT / "deploy" / "nginx-compose.conf"


def compose_nginx_config() -> str:
    return nginx_config("80", "/tmp", {"a": "app_a:8501", "b": "app_b:8501"}).replace(
        "daemon off;",
        "daemon off;  # generated by tools/replicas.py --write-compose-config: edit the template",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--store", default="", help="a postgresql:// URL (default: start a local server)")
    ap.add_argument(
        "--write-compose-config", action="store_true", help=f"write {COMPOSE_NGINX.name} and stop"
    )
    a = ap.parse_args()
    if a.write_compose_config:
        COMPOSE_NGINX.write_text(compose_nginx_config())
        return
    with ReplicaSet(a.replicas, a.port, a.store) as rs:
        print(f"open {rs.url}  (replicas: {', '.join(rs.replicas.values())}; store: PostgreSQL on loopback)")
        try:
            while all(p.poll() is None for p in rs.procs):
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""A local Neo4j Community instance from the official Maven Central jars, for machines without Docker.

The jars are resolved once with Maven (`launcher/pom.xml`) and our small launcher class is compiled once;
both are cached under `$CREDITFILE_HOME/neo4j-<version>/`. Each instance lives in its own data folder,
which also holds its pid file and log, so several can run side by side on different ports.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import settings

NEO4J_VERSION = "5.26.30"
LAUNCHER_DIR = Path(__file__).parent / "launcher"
MAIN_CLASS = "CreditfileNeo4j"
STATE_FILE = "creditfile-neo4j.json"
LOG_FILE = "creditfile-neo4j.log"
START_TIMEOUT_S = 180.0

# The flags Neo4j's own launcher passes to the JVM; embedded Neo4j on Java 17 needs the --add-opens.
JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
]


# Launched processes of this Python process, kept so they are reaped (and not reported as leaked) on stop.
_children: dict[int, subprocess.Popen[bytes]] = {}


class LocalNeo4jError(RuntimeError):
    """Starting or stopping the local Neo4j failed; the message says why in one line."""


@dataclass(frozen=True)
class Instance:
    data: Path
    pid: int
    host: str
    port: int

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"


def default_data_dir() -> Path:
    return settings.app().home / "neo4j-data"


def install_dir() -> Path:
    return settings.app().home / f"neo4j-{NEO4J_VERSION}"


def ensure_installed() -> Path:
    """Fetch the jars and compile the launcher if that was not done yet; returns the install folder."""
    target = install_dir()
    lib, classes = target / "lib", target / "classes"
    if not (lib.is_dir() and any(lib.glob("neo4j-bolt-*.jar"))):
        _fetch_jars(lib)
    if not (classes / f"{MAIN_CLASS}.class").exists():
        _compile_launcher(lib, classes)
    return target


def _require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise LocalNeo4jError(f"{tool} not found on PATH: {hint}")
    return path


def _fetch_jars(lib: Path) -> None:
    mvn = _require("mvn", "install Maven 3.6+ to fetch Neo4j from Maven Central (or set NEO4J_URI)")
    staging = lib.with_name("lib.partial")
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        mvn, "-q", "-B", "-f", str(LAUNCHER_DIR / "pom.xml"), "dependency:copy-dependencies",
        f"-Dneo4j.version={NEO4J_VERSION}", f"-DoutputDirectory={staging.resolve()}", "-DincludeScope=runtime",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["no output"]
        raise LocalNeo4jError(f"Maven could not fetch Neo4j {NEO4J_VERSION} jars: {last[0]}")
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)  # only a complete download is ever used


def _compile_launcher(lib: Path, classes: Path) -> None:
    javac = _require("javac", "install a JDK 17+ (a JRE alone cannot compile the launcher)")
    classes.mkdir(parents=True, exist_ok=True)
    source = LAUNCHER_DIR / f"{MAIN_CLASS}.java"
    done = subprocess.run(
        [javac, "-d", str(classes), "-cp", f"{lib}/*", str(source)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise LocalNeo4jError(f"could not compile {source.name}: {done.stderr.strip().splitlines()[0]}")


def status(data: Path | None = None) -> Instance | None:
    """The instance running on this data folder, or None."""
    data = Path(data or default_data_dir())
    state = data / STATE_FILE
    if not state.exists():
        return None
    info = json.loads(state.read_text())
    instance = Instance(data=data, pid=info["pid"], host=info["host"], port=info["port"])
    if not _alive(instance.pid):
        state.unlink(missing_ok=True)
        return None
    return instance


def start(port: int = 7687, data: Path | None = None, host: str = "127.0.0.1") -> Instance:
    """Start Neo4j in the background and return once Bolt answers; a running instance is returned as is."""
    data = Path(data or default_data_dir()).resolve()
    running = status(data)
    if running is not None:
        if running.port != port:
            raise LocalNeo4jError(
                f"{data} is already served by Neo4j on port {running.port}; stop it first or use another --data"
            )
        return running
    java = _require("java", "install Java 17+ (or set NEO4J_URI to a Neo4j you run yourself)")
    if _port_taken(host, port):
        raise LocalNeo4jError(f"port {port} on {host} is taken by another process; choose another --port")
    home = ensure_installed()
    data.mkdir(parents=True, exist_ok=True)
    log = data / LOG_FILE
    app = settings.app()
    cmd = [
        java, f"-Xmx{app.neo4j_heap}", *JVM_FLAGS, "-cp", f"{home / 'classes'}:{home / 'lib'}/*", MAIN_CLASS,
        "--data", str(data), "--host", host, "--port", str(port), "--pagecache", app.neo4j_pagecache,
    ]
    with log.open("w") as out:
        # A session of its own: Ctrl-C in the terminal reaches us, and we stop Neo4j in order.
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    _children[proc.pid] = proc
    instance = Instance(data=data, pid=proc.pid, host=host, port=port)
    (data / STATE_FILE).write_text(json.dumps({"pid": proc.pid, "host": host, "port": port}))
    _wait_ready(proc, instance, log)
    return instance


def _wait_ready(proc: subprocess.Popen[bytes], instance: Instance, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _children.pop(proc.pid, None)
            (instance.data / STATE_FILE).unlink(missing_ok=True)
            raise LocalNeo4jError(f"Neo4j exited at start-up: {_last_error(log)} (full log: {log})")
        if "READY " in log.read_text(errors="replace") and _port_taken(instance.host, instance.port):
            return
        time.sleep(0.2)
    stop(instance.data)
    raise LocalNeo4jError(f"Neo4j did not answer on {instance.uri} within {START_TIMEOUT_S:.0f} s (log: {log})")


def _last_error(log: Path) -> str:
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    causes = [line for line in lines if "Exception" in line or "Error" in line or "creditfile-neo4j" in line]
    return (causes or lines or ["no output"])[-1][:300]


def stop(data: Path | None = None, timeout: float = 60.0) -> bool:
    """Stop the instance on this data folder; False when none was running."""
    instance = status(data)
    if instance is None:
        return False
    os.kill(instance.pid, signal.SIGTERM)  # the launcher's shutdown hook closes the store cleanly
    deadline = time.monotonic() + timeout
    while _alive(instance.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(instance.pid):
        os.kill(instance.pid, signal.SIGKILL)
    child = _children.pop(instance.pid, None)
    if child is not None:
        child.wait()
    (instance.data / STATE_FILE).unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours is not alive; reap it
        if os.waitpid(pid, os.WNOHANG)[0] != 0:
            return False
    except ChildProcessError:
        pass
    cmdline = Path(f"/proc/{pid}/cmdline")  # after a reboot the pid may belong to something else
    return not cmdline.exists() or MAIN_CLASS.encode() in cmdline.read_bytes()


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]  # (host, port) for AF_INET
        return port

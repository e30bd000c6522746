"""Start a throw-away redis-server for the tests of limits shared across machines.

Debian's redis-server (scripts/ensure-test-deps.sh installs it), on a free port of
127.0.0.1, keeping nothing on disk; stopped and its folder deleted after.
"""

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time

from tests.postgres import _free_port


@contextlib.contextmanager
def redis_server():
    """Yield the URL of a fresh redis-server on 127.0.0.1 (redis://127.0.0.1:port)."""
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server is missing: make test installs it "
                           "(scripts/ensure-test-deps.sh)")
    root = tempfile.mkdtemp(prefix="directory-redis-")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", root, "--save", "",
         "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no",
         "--loglevel", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock, contextlib.suppress(OSError):
                sock.settimeout(1)
                sock.connect(("127.0.0.1", port))
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start: "
                                   + server.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()
        shutil.rmtree(root, ignore_errors=True)

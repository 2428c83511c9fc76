"""``borderSim viz`` refuses websockets and requests from another origin: a real server in a subprocess
and real websocket handshakes (RFC 6455) over a socket.

A web page the user visits elsewhere may open ``ws://127.0.0.1:PORT/...`` (browsers let any page try);
the browser then sends that page's ``Origin``. Only the page's own origin may get a kernel (101); a
foreign or opaque (``null``) origin gets 403 before any kernel is made. The Host check (DNS rebinding)
is kept.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

# the module's fixtures are built once: its tests run on one worker (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("viz_origin")

pytest.importorskip("solara")
pytest.importorskip("uvicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    """``borderSim viz baseline`` on a free port, stopped afterwards whatever happens."""
    port = free_port()
    log = (tmp_path_factory.mktemp("viz") / "server.log").open("w")
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "borderSim", "viz", "baseline", "--port", str(port),
                             "--no-browser"], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60       # start-up on a loaded machine, not a speed limit
        while True:
            assert proc.poll() is None, f"borderSim viz exited with status {proc.returncode}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.25)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def handshake(port: int, origin: str | None, host: str = "127.0.0.1") -> int:
    """The HTTP status a websocket handshake to the page's kernel channel gets (101: connected)."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET /jupyter/api/kernels/k{os.getpid()}/channels?session_id=s1 HTTP/1.1", f"Host: {host}:{port}",
             "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = b""
        while b"\r\n" not in status:
            got = s.recv(1024)
            if not got:
                break
            status += got
    return int(status.split(b" ", 2)[1])


def test_the_page_s_own_origin_gets_a_kernel(port):
    assert handshake(port, f"http://127.0.0.1:{port}") == 101
    assert handshake(port, f"http://localhost:{port}", host="localhost") == 101


@pytest.mark.parametrize("origin", ["http://evil.example.com", "https://evil.example.com:{port}", "null",
                                    "http://127.0.0.1.evil.example:{port}", "http://127.0.0.1:1",
                                    "file://", "http://127.0.0.1:{port}@evil.example"])
def test_a_websocket_from_another_origin_is_refused(port, origin):
    assert handshake(port, origin.format(port=port)) == 403


def test_the_host_check_still_holds_for_websockets(port):
    assert handshake(port, f"http://127.0.0.1:{port}", host="evil.example.com") == 403


def test_a_cross_site_request_is_refused_but_the_page_loads(port):
    url = f"http://127.0.0.1:{port}/"
    with urllib.request.urlopen(url, timeout=30) as r:
        assert r.status == 200
    req = urllib.request.Request(url, headers={"Origin": "http://evil.example.com"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 403

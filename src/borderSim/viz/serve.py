"""``borderSim viz``: serve the page on localhost with Solara until Ctrl-C.

The chosen scenario and seed reach the app through :func:`borderSim.viz.launch.environment`; the
server is Solara's Starlette app under uvicorn in this process, bound to 127.0.0.1 only, in
production mode, with Solara's usage telemetry off. Requests (and websockets) whose ``Host`` header
is not localhost, 127.0.0.1, [::1] or the bound address are refused with 400, so a web page
elsewhere cannot reach the server through a DNS name rebound to 127.0.0.1 (DNS rebinding). A request
or websocket that carries an ``Origin`` other than this page's own (``http://`` one of those hosts and
the served port) is refused too (403; a websocket is closed before its handshake completes), so a web
page the user visits elsewhere cannot open a kernel on the local server (cross-site websocket
hijacking): browsers send ``Origin`` with every websocket and every cross-site request.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
import warnings
import webbrowser
from urllib.parse import urlsplit

from borderSim.common.errors import InputError
from borderSim.viz.launch import ENV_SCENARIO, ENV_SEED, environment

APP = "borderSim.viz.app"
HOST = "127.0.0.1"
SHUTDOWN_SECONDS = 2  # open browser sessions do not hold up Ctrl-C longer than this


def bind(port: int) -> socket.socket:
    """A listening socket on ``HOST:port`` (``InputError`` if the port is bad or taken)."""
    if not 0 <= port <= 65_535:
        raise InputError("--port", str(port), "expected a port number from 1 to 65535 (0: any free port)")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as err:
        sock.close()
        raise InputError("--port", str(port), f"cannot listen on {HOST}:{port} ({err.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _configure(env: dict[str, str], port: int) -> None:
    """Environment for the app module and Solara's settings, set before Solara is imported."""
    os.environ.update(env)
    os.environ["SOLARA_APP"] = APP
    os.environ["SERVER_NAME"] = HOST
    os.environ["SERVER_PORT"] = str(port)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_MODE", "production")
    # Noise for users: Mesa 3.3.1's ComponentsView trips Solara's hook linter on import, and Solara
    # warns on every page load that plain http on 127.0.0.1 gets lax cookies (fine on loopback).
    warnings.filterwarnings("ignore", message=".*found despite early return", category=UserWarning)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)


LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def host_name(header: str) -> str:
    """The host of a ``Host`` header, lower-case, without its port (``[::1]:8765`` -> ``[::1]``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[:header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def origin_allowed(origin: str, allowed: set[str], port: int | None) -> bool:
    """Is ``origin`` (an ``Origin`` header) this page's own: http(s), an allowed host, the served port?"""
    try:
        parts = urlsplit(origin.strip())
        origin_port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") or parts.username or parts.query:
        return False
    return host_name(parts.netloc) in allowed and (port is None or origin_port == port)


class HostCheck:
    """ASGI middleware: only requests addressed to an allowed host name, from no other origin than the
    page's own (``port``: the served port; None accepts any port), reach ``app``."""

    def __init__(self, app, allowed: tuple[str, ...], port: int | None = None):
        self.app, self.allowed, self.port = app, {h.lower() for h in allowed}, port

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            if host_name(headers.get(b"host", b"").decode("latin-1")) not in self.allowed:
                await self._refuse(scope, send, 400, b"borderSim viz: unexpected Host header\n")
                return
            origin = headers.get(b"origin")
            if origin is not None and not origin_allowed(origin.decode("latin-1"), self.allowed, self.port):
                await self._refuse(scope, send, 403, b"borderSim viz: requests from another origin are refused\n")
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope, send, status: int, body: bytes) -> None:
        if scope["type"] == "websocket":      # closed before accept: the server answers the handshake with 403
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": body})


def _open_when_ready(server, url: str) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.1)
    if server.started:
        webbrowser.open(url)


def serve(args: argparse.Namespace) -> int:
    """Serve the page for ``args.scenario`` / ``args.seed`` on ``args.port``; 0 after Ctrl-C."""
    env = environment(args.scenario, args.seed)
    sock = bind(int(args.port))
    port = sock.getsockname()[1]
    _configure(env, port)

    import uvicorn
    from solara.server.starlette import app as solara_app

    config = uvicorn.Config(HostCheck(solara_app, (*LOCAL_HOSTS, HOST), port), host=HOST, port=port,
                            log_level="warning", timeout_graceful_shutdown=SHUTDOWN_SECONDS, ws_ping_interval=20)
    server = uvicorn.Server(config)
    url = f"http://{HOST}:{port}/"
    seed = env[ENV_SEED] or "the scenario's"
    print(f"borderSim viz: {env[ENV_SCENARIO]} (seed {seed}) at {url} — press Ctrl-C to stop",
          file=sys.stderr, flush=True)
    if not args.no_browser:
        threading.Thread(target=_open_when_ready, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down cleanly, then re-raises the Ctrl-C it caught
        pass
    finally:
        sock.close()
    print("borderSim viz: stopped", file=sys.stderr)
    return 0

"""The simulated fleet: one loopback HTTP server answering for every demo component.

``GET /<component-id>/<format path>`` answers in that wire format (see
``noc_app.demo.formats``) according to the failure script, so the real
polling engine can be shown a believable outage without any real servers.

* ok: a quick answer (a few tens of ms, stable per component, with jitter).
* degraded: a slow answer (1.2 s unless the script says otherwise) and a
  warning where the format has one (``warn``, ``yellow``).
* down: a failing answer (503/500, ``fail``, ``DOWN``, ``red``).
* unreachable: **the connection is reset** (TCP RST, SO_LINGER 0) right after
  the request is read, so a checker sees "connection reset" at once rather
  than a hang that would tie up its worker until the timeout.

Ids the script never mentions are ok, so any topology pointing here works.
``GET /__fleet__`` is an identity probe (``is_demo_fleet``), and
``POST /__hooks__/<name>`` is a sink for the demo's notification webhooks.
"""

from __future__ import annotations

import collections
import datetime as dt
import errno
import json
import logging
import random
import socket
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from noc_app.demo.formats import CHECK_PATHS, split_health_path, render
from noc_app.demo.paths import DEMO_FLEET_PORT, DEMO_SCRIPT_PATH
from noc_app.demo.script import (
    OK_STATE,
    ComponentState,
    DemoState,
    FailureScript,
    load_script,
)
from noc_app.durations import format_duration

log = logging.getLogger(__name__)

FLEET_IDENTITY = "vigil-demo-fleet"
IDENTITY_PATH = "/__fleet__"
HOOKS_PREFIX = "/__hooks__/"

#: Slow enough to cross the usual 800 ms DEGRADED threshold.
DEFAULT_DEGRADED_LATENCY_MS = 1200.0
#: A failing service usually answers fast: it gave up on its dependency.
DEFAULT_DOWN_LATENCY_MS = 40.0
MAX_HOOK_BODY = 64 * 1024
MAX_HOOKS_KEPT = 200


class DemoFleet:
    """A running (once started) simulated fleet; see the module docstring."""

    def __init__(
        self,
        script: FailureScript,
        host: str = "127.0.0.1",
        port: int = DEMO_FLEET_PORT,
        speed: float = 1.0,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be greater than 0 (1.0 is real time)")
        self.script = script
        self.host = host
        self.port = port
        self.speed = float(speed)
        self._overrides: dict[str, ComponentState] = {}
        self._hooks: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_HOOKS_KEPT)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._started_at: float | None = None

    # -- lifecycle -------------------------------------------------------

    def start(self) -> "DemoFleet":
        """Bind and serve in a background thread; raises ``OSError`` if the port is taken."""
        if self._server is not None:
            return self
        try:
            server = _FleetServer((self.host, self.port), _FleetHandler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise OSError(
                    errno.EADDRINUSE,
                    f"cannot start the demo fleet: port {self.port} on {self.host} is already "
                    "in use (another demo fleet? is_demo_fleet() tells; or choose another port)",
                ) from None
            raise OSError(exc.errno, f"cannot start the demo fleet on {self.host}:{self.port}: "
                          f"{exc.strerror or exc}") from None
        server.fleet = self
        self._server = server
        self._stopping.clear()
        self._started_at = time.monotonic()
        # stop() waits up to one poll interval for the serving loop to notice.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name="demo-fleet", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; slow answers in flight are cut short."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "DemoFleet":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, with the real port once started (port=0 picks one)."""
        port = self._server.server_address[1] if self._server else self.port
        return f"http://{self.host}:{port}"

    def url_for(self, component_id: str, fmt) -> str:
        """The check URL of ``component_id`` in format ``fmt`` (a ``HealthFormat``)."""
        return f"{self.base_url}/{component_id}/{CHECK_PATHS[fmt]}"

    # -- state -----------------------------------------------------------

    def elapsed_s(self) -> float:
        """Script time since start: wall seconds times ``speed`` (0 before start)."""
        if self._started_at is None:
            return 0.0
        return (time.monotonic() - self._started_at) * self.speed

    def set_override(
        self, component_id: str, state: ComponentState | DemoState | str | None
    ) -> None:
        """Force a component's state regardless of the script; None gives it back."""
        with self._lock:
            if state is None:
                self._overrides.pop(component_id, None)
            else:
                self._overrides[component_id] = ComponentState.coerce(state)

    def state_of(self, component_id: str) -> ComponentState:
        with self._lock:
            forced = self._overrides.get(component_id)
        if forced is not None:
            return forced
        return self.script.states_at(self.elapsed_s()).get(component_id, OK_STATE)

    def received_hooks(self) -> list[dict[str, Any]]:
        """Webhook posts received on ``/__hooks__/...``, oldest first (at most 200 kept)."""
        with self._lock:
            return list(self._hooks)

    def describe(self) -> dict[str, Any]:
        """What ``GET /__fleet__`` answers: identity plus the current scripted story."""
        elapsed = self.elapsed_s()
        step = self.script.step_at(elapsed)
        states = dict(self.script.states_at(elapsed))
        with self._lock:
            states.update(self._overrides)
            overridden = sorted(self._overrides)
        return {
            "service": FLEET_IDENTITY,
            "version": 1,
            "script": self.script.name,
            "speed": self.speed,
            "cycle_s": self.script.cycle_s,
            "elapsed_s": round(elapsed, 3),
            "position_s": round(self.script.position(elapsed), 3),
            "step": step.note if step else "",
            "not_ok": {
                cid: s.to_json() for cid, s in sorted(states.items()) if s.state is not DemoState.OK
            },
            "overridden": overridden,
            "formats": {fmt.value: path for fmt, path in CHECK_PATHS.items()},
        }

    # -- used by the handler ---------------------------------------------

    def _latency_s(self, component_id: str, state: ComponentState) -> float:
        if state.latency_ms is not None:
            return state.latency_ms / 1000.0
        if state.state is DemoState.DEGRADED:
            return DEFAULT_DEGRADED_LATENCY_MS / 1000.0
        if state.state is DemoState.DOWN:
            return DEFAULT_DOWN_LATENCY_MS / 1000.0
        # Each component has its own typical latency (5-40 ms) so latency
        # charts show distinct lines, with +-30 % jitter per request.
        base_ms = 5 + zlib.crc32(component_id.encode()) % 36
        return base_ms * random.uniform(0.7, 1.3) / 1000.0

    def _pause(self, seconds: float) -> bool:
        """Sleep like a slow server; False if the fleet is stopping meanwhile."""
        return not self._stopping.wait(seconds)

    def _record_hook(self, path: str, content_type: str, body: bytes) -> None:
        with self._lock:
            self._hooks.append(
                {
                    "path": path,
                    "at": dt.datetime.now(dt.timezone.utc).isoformat(),
                    "content_type": content_type,
                    "body": body.decode("utf-8", errors="replace"),
                }
            )


class _FleetServer(ThreadingHTTPServer):
    daemon_threads = True  # a slow answer in flight must not block shutdown
    # socketserver's default backlog is 5; a poller's workers (and its first
    # round's helper) connect at once, and a dropped SYN is retried only a
    # second later: a demo check with a 1 s timeout would read it as DOWN.
    request_queue_size = 128
    fleet: DemoFleet


class _FleetHandler(BaseHTTPRequestHandler):
    server: _FleetServer
    server_version = "vigil-demo-fleet/1"
    protocol_version = "HTTP/1.1"  # keep-alive, like real services behind a LB

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def do_POST(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        if not parts.path.startswith(HOOKS_PREFIX):
            self._send(405, "text/plain; charset=utf-8", b"only /__hooks__/<name> takes POST\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_HOOK_BODY:
            self._send(413, "text/plain; charset=utf-8", b"hook body over 64 KiB\n")
            return
        body = self.rfile.read(length) if length > 0 else b""
        self.server.fleet._record_hook(parts.path, self.headers.get("Content-Type", ""), body)
        self._send(204, "text/plain; charset=utf-8", b"")

    def _answer(self, with_body: bool) -> None:
        fleet = self.server.fleet
        parts = urlsplit(self.path)
        if parts.path.rstrip("/") == IDENTITY_PATH:
            self._send(200, "application/json", _json(fleet.describe()), with_body=with_body)
            return
        target = split_health_path(parts.path)
        if target is None:
            paths = ", ".join(f"/<id>/{p}" for p in CHECK_PATHS.values())
            self._send(404, "text/plain; charset=utf-8",
                       f"not a health path; try {paths}\n".encode(), with_body=with_body)
            return
        component_id, fmt = target
        state = fleet.state_of(component_id)
        if state.state is DemoState.UNREACHABLE:
            self._reset_connection()
            return
        if not fleet._pause(fleet._latency_s(component_id, state)):
            self._reset_connection()  # shutting down: drop it like a dying host
            return
        answer = render(
            fmt, component_id, state, parse_qs(parts.query, keep_blank_values=True),
            dt.datetime.now(dt.timezone.utc),
        )
        self._send(answer.status, answer.content_type, answer.body, answer.headers, with_body)

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: tuple[tuple[str, str], ...] = (),
        with_body: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)

    def _reset_connection(self) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP RST. The real
        # close happens when http.server closes its file objects after this
        # handler returns; its own shutdown() of the socket then fails quietly.
        self.close_connection = True
        try:
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
        except OSError:
            pass
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s " + format, self.address_string(), *args)


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode("utf-8")


def is_demo_fleet(base_url: str, timeout: float = 0.5) -> bool:
    """True if a demo fleet answers at ``base_url`` (so the app can reuse it)."""
    try:
        answer = requests.get(base_url.rstrip("/") + IDENTITY_PATH, timeout=timeout)
        return answer.status_code == 200 and answer.json().get("service") == FLEET_IDENTITY
    except (requests.RequestException, ValueError, AttributeError):
        return False


def run_fleet_forever(
    port: int = DEMO_FLEET_PORT,
    speed: float = 1.0,
    script_path: str | Path | None = None,
    host: str = "127.0.0.1",
) -> int:
    """Serve the demo fleet until Ctrl-C (``python main.py demo-fleet``); returns 0."""
    script = load_script(script_path or DEMO_SCRIPT_PATH)
    fleet = DemoFleet(script, host=host, port=port, speed=speed).start()
    print(
        f"Demo fleet serving {fleet.base_url} (script: {script.name or script.source}, "
        f"cycle {format_duration(script.cycle_s / speed)} at speed {speed:g}x); Ctrl-C to stop",
        flush=True,
    )
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        fleet.stop()
    return 0

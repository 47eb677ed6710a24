"""requests sessions for check workers: one per thread, every socket guarded.

A ``requests.Session`` is not documented as thread-safe, and a shared pool
makes workers contend; so each worker thread gets its own session with a
pool sized for it. The adapter's connection classes register every socket
they open or reuse with the deadline guard of the check running on that
thread (see ``deadline.py``), which is what bounds header and body dribbling,
and resolve host names within that deadline too (see ``resolve.py``).
"""

from __future__ import annotations

import socket
import sys
import threading
import warnings

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    InsecureRequestWarning,
    LocationParseError,
    NameResolutionError,
    NewConnectionError,
)

from noc_app import __version__
from noc_app.checks.deadline import DeadlineGuard, current_guard, watch_current
from noc_app.checks.tcp import open_connection

USER_AGENT = f"VigilNOC/{__version__} (health check)"

# A check with verify_tls = false is an explicit, per-check choice and is
# recorded in the result's detail; a warning per poll would only flood logs.
warnings.filterwarnings("ignore", category=InsecureRequestWarning)


class _GuardedConnectionMixin:
    sock: object

    def _new_conn(self):  # type: ignore[no-untyped-def]
        guard = current_guard()
        if guard is None:  # not inside a check: plain urllib3
            return super()._new_conn()  # type: ignore[misc]
        return self._guarded_new_conn(guard)

    def _guarded_new_conn(self, guard: DeadlineGuard) -> socket.socket:
        """urllib3's ``_new_conn``, but resolving and connecting within the check's deadline.

        Errors are wrapped as urllib3 wraps them, so requests and ``classify``
        see what they always saw; our own ``DnsTimeout`` and ``DeadlineExceeded``
        are no ``OSError`` and pass through as they are. The socket is
        registered with the guard (covering the TLS handshake that follows).
        """
        host = self._dns_host  # type: ignore[attr-defined]
        try:
            host.encode("idna")  # urllib3 rejects these as a bad URL, not a DNS failure
        except UnicodeError:
            raise LocationParseError(f"'{host}', label empty or too long") from None
        try:
            sock = open_connection(host, self.port, guard, self.socket_options)  # type: ignore[attr-defined]
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[attr-defined, arg-type]
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"  # type: ignore[attr-defined]
            ) from exc
        except OSError as exc:
            raise NewConnectionError(
                self, f"Failed to establish a new connection: {exc}"  # type: ignore[arg-type]
            ) from exc
        sys.audit("http.client.connect", self, self.host, self.port)  # type: ignore[attr-defined]
        return sock

    def getresponse(self):  # type: ignore[no-untyped-def]
        # A kept-alive connection was opened by an earlier check: register it
        # with this one before waiting for the status line and headers.
        watch_current(self.sock)  # type: ignore[arg-type]
        return super().getresponse()  # type: ignore[misc]


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """HTTPAdapter whose pools use the guarded connection classes."""

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }


def make_session(pool_size: int = 10) -> requests.Session:
    """A session for one worker thread.

    ``pool_size`` is how many hosts (and connections per host) are kept alive.
    No automatic retries (the state machine owns retries) and no environment
    influence: proxies, ``.netrc`` credentials and ``REQUESTS_CA_BUNDLE`` from
    the environment would make a check behave differently per machine and could
    send credentials nobody configured for it.
    """
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = USER_AGENT
    adapter = GuardedAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


_per_thread = threading.local()


def thread_local_session(pool_size: int = 10) -> requests.Session:
    """This thread's session, created on first use."""
    session = getattr(_per_thread, "session", None)
    if session is None:
        session = make_session(pool_size)
        _per_thread.session = session
    return session


# A check's request is the same every run: prepare it once (URL parsing and
# quoting, header merging, basic auth from the URL), not on every run. Keyed
# by everything it is made of, so a changed secret makes a new one. Bounded:
# redirect targets and rotating secrets must not grow it for ever.
_prepared: dict[tuple, requests.PreparedRequest] = {}
_PREPARED_MAX = 50_000


def _prepare_get(session: requests.Session, url: str, headers: dict[str, str],
                 auth: tuple[str, str] | None) -> requests.PreparedRequest:
    key = (url, tuple(headers.items()), auth)
    prepared = _prepared.get(key)
    if prepared is None:
        prepared = requests.Request("GET", url, headers={**session.headers, **headers}, auth=auth).prepare()
        if len(_prepared) >= _PREPARED_MAX:
            _prepared.clear()
        _prepared[key] = prepared
    return prepared


def send_get(session: requests.Session, url: str, headers: dict[str, str], timeout: tuple[float, float],
             verify: bool | str, auth: tuple[str, str] | None = None) -> requests.Response:
    """``session.get(url, stream=True, allow_redirects=False, ...)`` for a check, at a third of the cost.

    The request goes straight to the session's adapter (``HTTPAdapter.send``,
    where requests turns urllib3's errors into its own, so failures read as
    they always did), skipping what a check never uses but ``Session.request``
    pays on every call: merging session settings and the environment's, a
    fresh ``PreparedRequest``, hooks, and the cookie jar. So a check neither
    sends nor keeps cookies: each run stands alone, as on a fresh client
    (before, a cookie set by one endpoint went back to it only from the
    worker thread that happened to receive it).
    """
    prepared = _prepare_get(session, url, headers, auth)
    adapter = session.get_adapter(prepared.url)
    return adapter.send(prepared, stream=True, timeout=timeout, verify=verify, cert=None, proxies={})

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
from requests.exceptions import InvalidURL
from urllib3 import BaseHTTPResponse, Timeout
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
from noc_app.checks.deadline import DeadlineGuard, current_guard, duplicate_of
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
        guard = current_guard()
        if guard is not None:
            duplicate = self._duplicate()
            if duplicate is not None:
                guard.watch_duplicate(duplicate)
        return super().getresponse()  # type: ignore[misc]

    def _duplicate(self) -> socket.socket | None:
        """This connection's duplicate descriptor for the guards, made once per socket it has."""
        sock = self.sock  # type: ignore[attr-defined]
        if getattr(self, "_duplicate_for", None) is not sock:
            self._close_duplicate()
            self._duplicate_for = sock
            self._kept_duplicate = None if sock is None else duplicate_of(sock)
        return self._kept_duplicate

    def _close_duplicate(self) -> None:
        duplicate = getattr(self, "_kept_duplicate", None)
        self._kept_duplicate = self._duplicate_for = None
        if duplicate is None:
            return
        # Closed while a check reads the response (``Connection: close``): that
        # check's guard still needs it, and closes it when the check ends.
        guard = current_guard()
        if guard is None or not guard.adopt(duplicate):
            duplicate.close()

    def close(self) -> None:
        # The duplicate would hold the connection open after the pool closed it.
        try:
            super().close()  # type: ignore[misc]
        finally:
            self._close_duplicate()


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
_prepared: dict[tuple, tuple[requests.PreparedRequest, str]] = {}
_PREPARED_MAX = 50_000


def _prepare_get(session: requests.Session, url: str, headers: dict[str, str],
                 auth: tuple[str, str] | None) -> tuple[requests.PreparedRequest, str]:
    """The check's prepared request and its path (``path_url`` parses the URL again at each call)."""
    key = (url, tuple(headers.items()), auth)
    found = _prepared.get(key)
    if found is None:
        prepared = requests.Request("GET", url, headers={**session.headers, **headers}, auth=auth).prepare()
        if len(_prepared) >= _PREPARED_MAX:
            _prepared.clear()
        found = _prepared[key] = (prepared, prepared.path_url)
    return found


# Which pool a URL goes to (host, port, TLS settings), as requests works it out
# again on every send. The same for every adapter here (they are all made
# alike, by ``make_session``), so shared by the worker threads. Bounded.
_pool_keys: dict[tuple[str, bool | str], tuple[dict, dict]] = {}


def _pool_key(adapter: HTTPAdapter, prepared: requests.PreparedRequest, verify: bool | str) -> tuple[dict, dict]:
    key = (prepared.url, verify)  # all that requests reads of the request for it
    found = _pool_keys.get(key)
    if found is None:
        try:
            found = adapter.build_connection_pool_key_attributes(prepared, verify, None)
        except ValueError as exc:  # LocationValueError: what HTTPAdapter.send calls an invalid URL
            raise InvalidURL(exc) from exc
        if len(_pool_keys) >= _PREPARED_MAX:
            _pool_keys.clear()
        _pool_keys[key] = found
    return found


def send_get(session: requests.Session, url: str, headers: dict[str, str], timeout: tuple[float, float],
             verify: bool | str, auth: tuple[str, str] | None = None) -> BaseHTTPResponse:
    """A check's GET (streaming, no redirects followed): the urllib3 response, body unread.

    requests prepares the request (URL checks and quoting, headers, basic
    auth; once per check, see ``_prepare_get``) and owns the connection pools
    (the session's ``GuardedAdapter``, TLS settings as requests sets them).
    The send goes straight to the pool's ``urlopen`` with the arguments
    ``HTTPAdapter.send`` would pass, skipping what a check never uses but
    requests pays on every call: proxy selection, the pool key worked out
    again, a ``Response`` with its header copy and cookie jar, and the
    generators around the body (~20 % of a check's CPU at 2,000 checks,
    #15). So no cookie is sent or kept: each run stands alone, as on a
    fresh client. urllib3's errors reach ``classify`` as they are; it looks
    for their types down the chain, where requests' wrappers kept them too.
    """
    prepared, path = _prepare_get(session, url, headers, auth)
    adapter = session.get_adapter(prepared.url)
    host_params, pool_kwargs = _pool_key(adapter, prepared, verify)
    pool = adapter.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)
    if host_params["scheme"] == "https":
        adapter.cert_verify(pool, prepared.url, verify, None)  # a CA bundle path that is not there: said as requests says it
    return pool.urlopen(
        "GET", path, body=None, headers=prepared.headers, redirect=False, assert_same_host=False,
        preload_content=False, decode_content=False, retries=False,
        timeout=Timeout(connect=timeout[0], read=timeout[1]),
    )

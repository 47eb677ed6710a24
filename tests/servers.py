"""Local misbehaving servers (and a throwaway PKI) for the check tests.

Everything listens on 127.0.0.1, port 0, in daemon threads, and is a context
manager that always stops its threads and closes its sockets. No traffic ever
leaves the machine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

Behaviour = Callable[[socket.socket, threading.Event], None]


def refused_port() -> int:
    """A loopback port nobody listens on: bound once, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def full_backlog() -> Iterator[int]:
    """A port whose accept queue is full, so a new connect() gets no answer.

    A listener with backlog 0 that never accepts holds one queued connection;
    after that the kernel drops new SYNs and the client's connect times out -
    a connect timeout without any traffic leaving the machine.
    """
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            yield port


# --- raw TCP servers with one behaviour per connection ------------------------


def read_request_head(conn: socket.socket, stop: threading.Event) -> bytes:
    """Read until the blank line that ends an HTTP request head (or EOF/stop)."""
    conn.settimeout(0.1)
    data = b""
    while b"\r\n\r\n" not in data and not stop.is_set():
        try:
            chunk = conn.recv(4096)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def hang(conn: socket.socket, stop: threading.Event) -> None:
    """Accept, read the request, never answer."""
    read_request_head(conn, stop)
    stop.wait()


def dribble_body(interval_s: float = 1.0, closing: bool = False) -> Behaviour:
    """Prompt headers announcing 1000 bytes, then one body byte per ``interval_s``.

    ``closing``: the headers say ``Connection: close`` (http.client then hands
    the socket over to the response and closes its connection object).
    """
    extra = b"Connection: close\r\n" if closing else b""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn, stop)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + extra + b"Content-Length: 1000\r\n\r\n")
        _dribble(conn, stop, b"o" * 1000, interval_s)

    return behaviour


def answer_once_then(behaviour: Behaviour) -> Behaviour:
    """A prompt ``200 ok`` (kept alive), then ``behaviour`` for the next request on the same connection."""

    def first_then(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn, stop)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
        behaviour(conn, stop)

    return first_then


def dribble_headers(interval_s: float = 1.0) -> Behaviour:
    """The status line and headers themselves, one byte per ``interval_s``."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn, stop)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + b"X-Slow: " + b"a" * 1000
        _dribble(conn, stop, head, interval_s)

    return behaviour


def _dribble(conn: socket.socket, stop: threading.Event, data: bytes, interval_s: float) -> None:
    for byte in data:
        try:
            conn.sendall(bytes([byte]))
        except OSError:
            return  # the client gave up, as it should
        if stop.wait(interval_s):
            return


def reset_after_request(conn: socket.socket, stop: threading.Event) -> None:
    """Read the request, then abort the connection with a TCP RST."""
    read_request_head(conn, stop)
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


def close_without_response(conn: socket.socket, stop: threading.Event) -> None:
    read_request_head(conn, stop)
    conn.close()


class RawServer:
    """Accepts connections on 127.0.0.1 and runs ``behaviour`` on each in a thread."""

    def __init__(self, behaviour: Behaviour) -> None:
        self._behaviour = behaviour
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.connections = 0
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "RawServer":
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._acceptor.join(timeout=2)
        self._listener.close()
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            try:
                conn.close()
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=2)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            with self._lock:
                self.connections += 1
                self._conns.append(conn)
                self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self._behaviour(conn, self._stop)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass


# --- an HTTP(S) server with canned and misbehaving routes ---------------------------

BIG_BODY_BYTES = 200 * 1024 * 1024


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain"
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, like real servers
    timeout = 5  # an idle kept-alive connection must not pin a thread forever
    server: "_HTTPServer"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        owner = self.server.owner
        parts = urlsplit(self.path)
        owner.record(parts.path, dict(self.headers.items()))
        if parts.path == "/big":
            self._big(chunked=False)
        elif parts.path == "/big-chunked":
            self._big(chunked=True)
        elif parts.path == "/loop":
            self._send(302, b"", "text/plain", (("Location", "/loop"),))
        elif parts.path.startswith("/hops/"):  # /hops/3 -> /hops/2 -> ... -> /hops/0 (200)
            left = int(parts.path.rsplit("/", 1)[1])
            if left == 0:
                self._send(200, b"ok", "text/plain")
            else:
                self._send(302, b"", "text/plain", (("Location", f"/hops/{left - 1}"),))
        elif parts.path == "/redirect":  # /redirect?to=URL
            target = parse_qs(parts.query)["to"][0]
            self._send(302, b"", "text/plain", (("Location", target),))
        elif parts.path in owner.routes:
            route = owner.routes[parts.path]
            if route.delay_s:
                time.sleep(route.delay_s)
            self._send(route.status, route.body, route.content_type, route.headers)
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str,
              headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _big(self, chunked: bool) -> None:
        """200 MB of zeros, produced lazily; stops as soon as the client goes away."""
        owner = self.server.owner
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(BIG_BODY_BYTES))
        self.end_headers()
        block = b"\0" * 65536
        sent = 0
        try:
            while sent < BIG_BODY_BYTES and not owner.stopping.is_set():
                frame = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
                self.wfile.write(frame)
                sent += len(block)
                owner.add_sent(len(block))
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: more clients connecting at once
    # (a poller and its first-round helper) had SYNs dropped and retried a
    # second later, which a 1 s check timeout reads as a timeout.
    request_queue_size = 128
    owner: "HTTPTestServer"
    tls_context: ssl.SSLContext | None = None

    def finish_request(self, request, client_address):  # type: ignore[no-untyped-def]
        self.owner.count_connection()
        # The TLS handshake runs in the connection's own thread, not in the
        # accept loop, so one stalled client cannot block the others.
        if self.tls_context is None:
            return super().finish_request(request, client_address)
        try:
            tls = self.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return None  # the client rejected our certificate: that is the test
        with tls:
            try:
                super().finish_request(tls, client_address)
            except (ssl.SSLError, OSError):
                pass

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        pass  # clients hanging up mid-body is what these tests do


class HTTPTestServer:
    """HTTP (or, with ``certfile``/``keyfile``, HTTPS) on 127.0.0.1 with canned routes.

    Built-in routes: ``/big`` (200 MB, Content-Length), ``/big-chunked``
    (200 MB, chunked), ``/loop`` (redirects to itself), ``/hops/N`` (N
    redirects then 200), ``/redirect?to=URL``. ``add(path, ...)`` adds more.
    """

    def __init__(self, certfile: Path | None = None, keyfile: Path | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.bytes_sent = 0
        self.connections = 0  # TCP connections accepted (keep-alive reuses one)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        if certfile is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self._server.tls_context = context
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def scheme(self) -> str:
        return "https" if self._server.tls_context else "http"

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def add(self, path: str, status: int = 200, body: bytes | str = b"",
            content_type: str = "text/plain", headers: tuple[tuple[str, str], ...] = (),
            delay_s: float = 0.0) -> str:
        """Serve a canned response at ``path``; returns its URL."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(status, data, content_type, headers, delay_s)
        return self.url(path)

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((path, headers))

    def count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def add_sent(self, n: int) -> None:
        with self._lock:
            self.bytes_sent += n

    def __enter__(self) -> "HTTPTestServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)


# --- a throwaway PKI (needs the ``cryptography`` package; tests only) ----------------


@dataclass(frozen=True)
class CertPair:
    cert: Path
    key: Path


@dataclass(frozen=True)
class Pki:
    ca: Path  # PEM of the test CA, to use as a check's ca_bundle
    valid: CertPair  # CA-signed, localhost + 127.0.0.1, 90 days left
    expiring: CertPair  # CA-signed, 5 days left
    expired: CertPair  # CA-signed, expired yesterday
    self_signed: CertPair  # its own issuer, localhost + 127.0.0.1
    wrong_host: CertPair  # CA-signed, only for wrong.example


def make_pki(directory: Path) -> Pki:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def name(common_name: str) -> x509.Name:
        return x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Vigil Test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ])

    def write(stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> CertPair:
        cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ))
        return CertPair(cert_path, key_path)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("Vigil Test CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    def leaf(stem: str, names: list[str], not_before: dt.datetime, not_after: dt.datetime,
             self_signed: bool = False) -> CertPair:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = name(names[0])
        sans: list[x509.GeneralName] = []
        for n in names:
            try:
                sans.append(x509.IPAddress(ipaddress.ip_address(n)))
            except ValueError:
                sans.append(x509.DNSName(n))
        issuer_name, signing_key = (subject, key) if self_signed else (ca_name, ca_key)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(issuer_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                signing_key.public_key()), critical=False)
        )
        return write(stem, builder.sign(signing_key, hashes.SHA256()), key)

    day = dt.timedelta(days=1)
    local = ["localhost", "127.0.0.1"]
    return Pki(
        ca=ca_path,
        valid=leaf("valid", local, now - day, now + 90 * day),
        expiring=leaf("expiring", local, now - 80 * day, now + 5 * day + dt.timedelta(hours=1)),
        expired=leaf("expired", local, now - 100 * day, now - day),
        self_signed=leaf("self-signed", local, now - day, now + 90 * day, self_signed=True),
        wrong_host=leaf("wrong-host", ["wrong.example"], now - day, now + 90 * day),
    )

"""Exceptions to short, stable reasons ("connection refused", "TLS certificate expired").

Classification walks the exception chain and looks at *types* (and, for TLS,
OpenSSL's numeric ``verify_code``), never at message text: messages change
between Python, OpenSSL, urllib3 and libc versions and locales, types and
codes do not. requests wraps urllib3 which wraps the socket error, so the
interesting exception is usually a few links down the chain.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator

import requests
import urllib3.exceptions

# OpenSSL X509_V_ERR_* codes (include/openssl/x509_vfy.h); stable ABI numbers.
X509_V_ERR_CERT_NOT_YET_VALID = 9
X509_V_ERR_CERT_HAS_EXPIRED = 10
X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT = 18
X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN = 19
X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20
X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE = 21
X509_V_ERR_CERT_REVOKED = 23
X509_V_ERR_HOSTNAME_MISMATCH = 62
X509_V_ERR_IP_ADDRESS_MISMATCH = 64

_TLS_VERIFY_REASONS = {
    X509_V_ERR_CERT_NOT_YET_VALID: "TLS certificate not yet valid",
    X509_V_ERR_CERT_HAS_EXPIRED: "TLS certificate expired",
    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate self-signed",
    X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: "TLS certificate self-signed",
    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS certificate untrusted",
    X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate untrusted",
    X509_V_ERR_CERT_REVOKED: "TLS certificate revoked",
    X509_V_ERR_HOSTNAME_MISMATCH: "TLS hostname mismatch",
    X509_V_ERR_IP_ADDRESS_MISMATCH: "TLS hostname mismatch",
}


class CheckFailure(Exception):
    """A failure our own code detects; ``reason`` is already the short text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BodyTooLarge(CheckFailure):
    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {format_bytes(limit)}")


class TooManyRedirects(CheckFailure):
    def __init__(self) -> None:
        super().__init__("too many redirects")


class DeadlineExceeded(CheckFailure):
    def __init__(self, timeout_s: float) -> None:
        super().__init__(timeout_reason(timeout_s))


class DnsTimeout(CheckFailure):
    """The name did not resolve within the check's deadline (see ``resolve.py``)."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"DNS lookup timed out after {timeout_s:.1f}s")


def timeout_reason(timeout_s: float) -> str:
    return f"timeout after {timeout_s:.1f}s"


def format_bytes(n: int) -> str:
    """1048576 -> "1 MiB", 4096 -> "4 KiB", 1000 -> "1000 bytes"."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def tls_verify_reason(verify_code: int) -> str:
    return _TLS_VERIFY_REASONS.get(verify_code, f"TLS certificate invalid (code {verify_code})")


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps, outermost first, each once.

    Follows ``__cause__``/``__context__``, urllib3's ``reason`` attribute
    (MaxRetryError, NewConnectionError) and exceptions stored in ``args``
    (requests passes the urllib3 error as its first argument).
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked.extend(current.args)
        pending.extend(e for e in linked if isinstance(e, BaseException))


def _first(chain: list[BaseException], *types: type[BaseException]) -> BaseException | None:
    return next((e for e in chain if isinstance(e, types)), None)


# Timeouts in the three layers; socket.timeout is an alias of TimeoutError.
_TIMEOUT_TYPES = (
    requests.exceptions.Timeout,
    urllib3.exceptions.TimeoutError,
    TimeoutError,
)


def classify(exc: BaseException, timeout_s: float) -> str:
    """Short reason for an exception raised while running a check.

    Order matters: the most specific, most actionable cause wins (a TLS
    verification failure is also an ``SSLError`` and an ``OSError``).
    """
    chain = list(exception_chain(exc))

    own = _first(chain, CheckFailure)
    if own is not None:
        return own.reason  # type: ignore[union-attr]
    verify = _first(chain, ssl.SSLCertVerificationError)
    if verify is not None:
        return tls_verify_reason(getattr(verify, "verify_code", 0) or 0)
    if _first(chain, requests.exceptions.TooManyRedirects) is not None:
        return "too many redirects"
    if _first(chain, socket.gaierror, urllib3.exceptions.NameResolutionError) is not None:
        return "DNS lookup failed"
    if _first(chain, ConnectionRefusedError) is not None:
        return "connection refused"
    if _first(chain, *_TIMEOUT_TYPES) is not None:
        return timeout_reason(timeout_s)
    # RemoteDisconnected subclasses ConnectionResetError, but "the server
    # closed without answering" and "the peer sent RST" point to different faults.
    if _first(chain, http.client.RemoteDisconnected) is not None:
        return "connection closed without response"
    if _first(chain, ConnectionResetError, ConnectionAbortedError, BrokenPipeError) is not None:
        return "connection reset"
    if _first(chain, ssl.SSLError) is not None:
        return "TLS handshake failed"
    if _first(chain, http.client.IncompleteRead, urllib3.exceptions.ProtocolError,
              requests.exceptions.ChunkedEncodingError) is not None:
        return "incomplete response"
    if _first(chain, requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError) is not None:
        return "response decoding failed"
    if _first(chain, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
              requests.exceptions.InvalidSchema, urllib3.exceptions.LocationValueError) is not None:
        return "invalid URL"
    if _first(chain, ConnectionError, requests.exceptions.ConnectionError) is not None:
        return "connection failed"
    if _first(chain, http.client.HTTPException) is not None:
        return "invalid HTTP response"
    return f"check failed ({type(exc).__name__})"

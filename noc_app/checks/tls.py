"""The TLS check: connect, handshake, and judge the server certificate.

DOWN when the certificate fails verification (expired, self-signed,
untrusted, wrong host), DEGRADED when it expires within ``warn_days``.
Days to expiry, subject and issuer go into ``detail`` - also after a failed
verification (a second, unverified handshake fetches them), because "expired
three days ago" is what the operator needs to know next.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import ssl
import time
from typing import Any

import certifi

from noc_app.checks.certinfo import CertificateParseError, parse_certificate
from noc_app.checks.deadline import DeadlineGuard, guarding
from noc_app.checks.errors import classify, exception_chain, timeout_reason
from noc_app.checks.judge import slow_reason
from noc_app.checks.result import CheckResult
from noc_app.checks.tcp import open_connection
from noc_app.domain import Status
from noc_app.topology.model import CheckSpec


@functools.lru_cache(maxsize=64)
def client_context(verify: bool, ca_bundle: str | None) -> ssl.SSLContext:
    """A shared client context (thread-safe for ``wrap_socket``; loading CAs is slow).

    Verification uses the same trust store as requests (certifi) unless the
    check names its own CA bundle. A changed bundle file is picked up on restart.
    """
    if not verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context(cafile=ca_bundle or certifi.where())


def _handshake(host: str, port: int, context: ssl.SSLContext,
               guard: DeadlineGuard) -> tuple[bytes, str | None]:
    """The server's DER certificate and the negotiated TLS version."""
    sock = open_connection(host, port, guard)
    sock.settimeout(max(guard.remaining(), 0.001))
    with context.wrap_socket(sock, server_hostname=host) as tls:
        return tls.getpeercert(binary_form=True) or b"", tls.version()


def certificate_detail(der: bytes, now: dt.datetime) -> dict[str, Any]:
    info = parse_certificate(der)
    return {
        "subject": info.subject,
        "issuer": info.issuer,
        "not_before": info.not_before.isoformat(),
        "not_after": info.not_after.isoformat(),
        "days_left": math.floor((info.not_after - now).total_seconds() / 86400),
    }


def run_tls_check(spec: CheckSpec, at: dt.datetime) -> CheckResult:
    def result(status: Status, error: str | None, latency_ms: float | None = None) -> CheckResult:
        return CheckResult(spec.key, spec.component_id, status, latency_ms, None, error, detail, at)

    host, port = spec.host or "", int(spec.port or 443)
    detail: dict[str, Any] = {}
    if not spec.verify_tls:
        detail["tls_verify"] = False
    started = time.monotonic()
    with guarding(spec.timeout_s) as guard:
        try:
            der, version = _handshake(host, port, client_context(spec.verify_tls, spec.ca_bundle), guard)
        except Exception as exc:  # noqa: BLE001 - endpoint misbehaviour must never escape a check
            if guard.fired:
                return result(Status.DOWN, timeout_reason(spec.timeout_s))
            verification_failed = any(
                isinstance(e, ssl.SSLCertVerificationError) for e in exception_chain(exc)
            )
            if verification_failed:
                _add_unverified_details(host, port, guard, at, detail)
            return result(Status.DOWN, classify(exc, spec.timeout_s))
    latency_ms = (time.monotonic() - started) * 1000.0

    if version:
        detail["tls_version"] = version
    try:
        detail.update(certificate_detail(der, at))
    except CertificateParseError:
        return result(Status.UNKNOWN, "TLS certificate unreadable", latency_ms)
    not_before = dt.datetime.fromisoformat(detail["not_before"])
    not_after = dt.datetime.fromisoformat(detail["not_after"])
    # Judged against ``at`` as well as by OpenSSL: with verification off, or
    # with an injected clock, the dates are the only evidence.
    if at >= not_after:
        return result(Status.DOWN, "TLS certificate expired", latency_ms)
    if at < not_before:
        return result(Status.DOWN, "TLS certificate not yet valid", latency_ms)
    if detail["days_left"] < spec.warn_days:
        days = detail["days_left"]
        return result(Status.DEGRADED, f"certificate expires in {days} day{'s' if days != 1 else ''}",
                      latency_ms)
    if spec.degraded_ms is not None and latency_ms > spec.degraded_ms:
        return result(Status.DEGRADED, slow_reason(latency_ms, spec.degraded_ms), latency_ms)
    return result(Status.OK, None, latency_ms)


def _add_unverified_details(host: str, port: int, guard: DeadlineGuard,
                            now: dt.datetime, detail: dict[str, Any]) -> None:
    """Best effort, within what is left of the deadline: the check is DOWN either way."""
    if guard.remaining() <= 0:
        return
    try:
        der, _ = _handshake(host, port, client_context(False, None), guard)
        detail.update(certificate_detail(der, now))
    except Exception:  # noqa: BLE001 - only extra detail is lost
        pass

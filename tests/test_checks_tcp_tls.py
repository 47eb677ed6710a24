"""TCP connect and TLS certificate checks against real local listeners."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from cryptography import x509

from noc_app.checks import CheckResult, run_check
from noc_app.checks.certinfo import CertificateParseError, parse_certificate
from noc_app.domain import CheckKind, Status
from noc_app.topology.model import CheckSpec
from tests.servers import HTTPTestServer, Pki, RawServer, full_backlog, hang, make_pki, refused_port

TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(Path(tmp_path_factory.mktemp("pki")))


def spec(kind: CheckKind, port: int, host: str = "127.0.0.1", **overrides: object) -> CheckSpec:
    values: dict = dict(key="edge#0", component_id="edge", kind=kind, interval_s=10,
                        timeout_s=TIMEOUT_S, retries=2, host=host, port=port)
    values.update(overrides)
    return CheckSpec(**values)


def timed(check: CheckSpec, **kwargs: object) -> CheckResult:
    started = time.monotonic()
    result = run_check(check, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < check.timeout_s + 1.0, f"took {elapsed:.2f}s"
    return result


# --- TCP ------------------------------------------------------------------------


def test_tcp_connect_ok_reports_connect_time_and_address() -> None:
    with RawServer(hang) as srv:
        result = timed(spec(CheckKind.TCP, srv.port, host="localhost"))
    assert (result.status, result.error, result.http_status) == (Status.OK, None, None)
    assert result.latency_ms is not None and 0 <= result.latency_ms < 1000
    assert result.detail["address"] in ("127.0.0.1", "::1")


def test_tcp_slow_connect_is_degraded() -> None:
    with RawServer(hang) as srv:
        result = timed(spec(CheckKind.TCP, srv.port, degraded_ms=0))
    assert result.status is Status.DEGRADED
    assert result.error is not None and result.error.startswith("slow: ") and result.error.endswith(" > 0 ms")


@pytest.mark.parametrize(
    ("host", "port", "reason"),
    [("127.0.0.1", None, "connection refused"), ("vigil-noc-test.invalid", 80, "DNS lookup failed")],
)
def test_tcp_failures(host: str, port: int | None, reason: str) -> None:
    result = timed(spec(CheckKind.TCP, port or refused_port(), host=host))
    assert (result.status, result.error, result.latency_ms) == (Status.DOWN, reason, None)


def test_tcp_connect_timeout() -> None:
    with full_backlog() as port:
        started = time.monotonic()
        result = timed(spec(CheckKind.TCP, port))
    assert (result.status, result.error) == (Status.DOWN, "timeout after 1.0s")
    assert time.monotonic() - started >= 0.9


# --- TLS --------------------------------------------------------------------------


def tls_server(pki: Pki, name: str) -> HTTPTestServer:
    pair = getattr(pki, name)
    return HTTPTestServer(pair.cert, pair.key)


def test_tls_valid_certificate_details(pki: Pki) -> None:
    with tls_server(pki, "valid") as srv:
        result = timed(spec(CheckKind.TLS, srv.port, host="localhost", ca_bundle=str(pki.ca)))
    assert (result.status, result.error) == (Status.OK, None)
    assert result.detail["days_left"] in (89, 90)
    assert result.detail["subject"] == "O=Vigil Test, CN=localhost"
    assert result.detail["issuer"] == "O=Vigil Test, CN=Vigil Test CA"
    assert result.detail["tls_version"].startswith("TLSv1.")
    not_after = dt.datetime.fromisoformat(result.detail["not_after"])
    assert not_after.utcoffset() == dt.timedelta(0)


def test_tls_expiring_soon_is_degraded(pki: Pki) -> None:
    with tls_server(pki, "expiring") as srv:
        result = timed(spec(CheckKind.TLS, srv.port, host="localhost", ca_bundle=str(pki.ca), warn_days=14))
        relaxed = timed(spec(CheckKind.TLS, srv.port, host="localhost", ca_bundle=str(pki.ca), warn_days=3))
    assert (result.status, result.error) == (Status.DEGRADED, "certificate expires in 5 days")
    assert result.detail["days_left"] == 5
    assert relaxed.status is Status.OK


def test_tls_expiry_is_judged_against_the_given_clock(pki: Pki) -> None:
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=91)
    with tls_server(pki, "valid") as srv:
        result = timed(spec(CheckKind.TLS, srv.port, host="localhost", ca_bundle=str(pki.ca)), now=later)
    assert (result.status, result.error) == (Status.DOWN, "TLS certificate expired")
    assert result.detail["days_left"] < 0
    assert result.at == later


@pytest.mark.parametrize(
    ("name", "use_ca", "host", "reason"),
    [
        ("expired", True, "localhost", "TLS certificate expired"),
        ("self_signed", False, "localhost", "TLS certificate self-signed"),
        ("wrong_host", True, "localhost", "TLS hostname mismatch"),
        ("valid", False, "localhost", "TLS certificate untrusted"),
    ],
)
def test_tls_bad_certificates_are_down_with_details(pki: Pki, name: str, use_ca: bool, host: str,
                                                    reason: str) -> None:
    with tls_server(pki, name) as srv:
        result = timed(spec(CheckKind.TLS, srv.port, host=host,
                            ca_bundle=str(pki.ca) if use_ca else None))
    assert (result.status, result.error) == (Status.DOWN, reason)
    # Fetched by a second, unverified handshake: the operator sees which certificate.
    assert "CN=" in result.detail["subject"]
    if name == "expired":
        assert result.detail["days_left"] in (-1, -2)


def test_tls_verification_off_is_recorded_and_still_checks_expiry(pki: Pki) -> None:
    with tls_server(pki, "self_signed") as srv:
        ok = timed(spec(CheckKind.TLS, srv.port, verify_tls=False))
    with tls_server(pki, "expired") as srv:
        expired = timed(spec(CheckKind.TLS, srv.port, verify_tls=False))
    assert (ok.status, ok.detail["tls_verify"]) == (Status.OK, False)
    assert ok.detail["issuer"] == ok.detail["subject"]
    assert (expired.status, expired.error) == (Status.DOWN, "TLS certificate expired")
    assert expired.detail["tls_verify"] is False


def test_tls_server_that_never_handshakes_times_out() -> None:
    with RawServer(hang) as srv:
        started = time.monotonic()
        result = timed(spec(CheckKind.TLS, srv.port, host="localhost"))
    assert (result.status, result.error) == (Status.DOWN, "timeout after 1.0s")
    assert time.monotonic() - started >= 0.9


def test_tls_against_plain_http_is_a_handshake_failure() -> None:
    with HTTPTestServer() as srv:
        result = timed(spec(CheckKind.TLS, srv.port))
    assert (result.status, result.error) == (Status.DOWN, "TLS handshake failed")


def test_tls_refused_and_dns() -> None:
    assert timed(spec(CheckKind.TLS, refused_port())).error == "connection refused"
    assert timed(spec(CheckKind.TLS, 443, host="vigil-noc-test.invalid")).error == "DNS lookup failed"


# --- the stdlib DER reader, checked against cryptography's parser ----------------------


@pytest.mark.parametrize("name", ["valid", "expired", "self_signed", "wrong_host"])
def test_parse_certificate_matches_cryptography(pki: Pki, name: str) -> None:
    pem = getattr(pki, name).cert.read_bytes()
    reference = x509.load_pem_x509_certificate(pem)
    from cryptography.hazmat.primitives.serialization import Encoding

    info = parse_certificate(reference.public_bytes(Encoding.DER))
    assert info.not_before == reference.not_valid_before_utc
    assert info.not_after == reference.not_valid_after_utc
    assert info.subject == ", ".join(reversed(reference.subject.rfc4514_string().split(",")))
    assert info.issuer == ", ".join(reversed(reference.issuer.rfc4514_string().split(",")))


@pytest.mark.parametrize("junk", [b"", b"\x30\x03\x02\x01", b"\x02\x01\x00", b"\x30\x82\xff\xff" + b"\0" * 8])
def test_parse_certificate_rejects_junk(junk: bytes) -> None:
    with pytest.raises(CertificateParseError):
        parse_certificate(junk)

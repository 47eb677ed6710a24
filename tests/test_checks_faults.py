"""Misbehaving endpoints: every fault is DOWN/DEGRADED with the right short reason,
within the check's timeout + 1 s, against real servers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from noc_app.checks import CheckResult, make_session, run_check
from noc_app.domain import CheckKind, HealthFormat, Status
from noc_app.topology.model import CheckSpec
from tests.servers import (
    BIG_BODY_BYTES,
    HTTPTestServer,
    Pki,
    RawServer,
    answer_once_then,
    close_without_response,
    dribble_body,
    dribble_headers,
    full_backlog,
    hang,
    make_pki,
    refused_port,
    reset_after_request,
)

TIMEOUT_S = 1.0


@pytest.fixture
def session() -> Iterator[requests.Session]:
    s = make_session(4)
    yield s
    s.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(Path(tmp_path_factory.mktemp("pki")))


def http_spec(url: str, timeout_s: float = TIMEOUT_S, **overrides: object) -> CheckSpec:
    values: dict = dict(key="api#0", component_id="api", kind=CheckKind.HTTP, interval_s=10,
                        timeout_s=timeout_s, retries=2, url=url)
    values.update(overrides)
    return CheckSpec(**values)


def timed(spec: CheckSpec, session: requests.Session) -> tuple[CheckResult, float]:
    started = time.monotonic()
    result = run_check(spec, session)
    elapsed = time.monotonic() - started
    assert elapsed < spec.timeout_s + 1.0, f"took {elapsed:.2f}s for a {spec.timeout_s}s timeout"
    return result, elapsed


def test_hanging_server_times_out(session: requests.Session) -> None:
    with RawServer(hang) as srv:
        result, elapsed = timed(http_spec(srv.url("/health")), session)
    assert (result.status, result.error) == (Status.DOWN, "timeout after 1.0s")
    assert elapsed >= TIMEOUT_S * 0.9  # it did wait for the server, not fail early


def test_connect_timeout(session: requests.Session) -> None:
    with full_backlog() as port:
        result, elapsed = timed(http_spec(f"http://127.0.0.1:{port}/health"), session)
    assert (result.status, result.error) == (Status.DOWN, "timeout after 1.0s")
    assert elapsed >= TIMEOUT_S * 0.9


@pytest.mark.parametrize("behaviour", [dribble_body(1.0), dribble_headers(1.0)],
                         ids=["body", "headers"])
def test_one_byte_a_second_cannot_hold_the_worker(session: requests.Session, behaviour) -> None:
    # 1.5 s timeout and a byte every second: each read succeeds within the
    # per-read timeout, so only the total deadline can stop this.
    with RawServer(behaviour) as srv:
        result, _ = timed(http_spec(srv.url("/health"), timeout_s=1.5), session)
    assert (result.status, result.error) == (Status.DOWN, "timeout after 1.5s")


@pytest.mark.parametrize("behaviour", [dribble_body(0.3), dribble_body(0.3, closing=True), dribble_headers(0.3)],
                         ids=["body", "body-connection-close", "headers"])
def test_a_kept_alive_connection_is_cut_at_the_deadline(session: requests.Session, behaviour) -> None:
    # The second run reuses the first one's connection: only the duplicate
    # made for that connection covers it, also once a "Connection: close"
    # answer has made http.client let go of the connection object.
    with RawServer(answer_once_then(behaviour)) as srv:
        assert run_check(http_spec(srv.url("/health")), session).status is Status.OK
        second: list = []
        run = threading.Thread(target=lambda: second.append(timed(http_spec(srv.url("/health")), session)))
        run.start()
        run.join(TIMEOUT_S + 3)  # uncut, the dribble would take 300 s: fail, do not hang
        assert second, "the kept-alive connection was not cut at the deadline"
        assert srv.connections == 1
    result, elapsed = second[0]
    assert (result.status, result.error) == (Status.DOWN, "timeout after 1.0s")
    assert elapsed < TIMEOUT_S + 0.5


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_200_mb_body_is_refused_without_reading_it(session: requests.Session, path: str) -> None:
    with HTTPTestServer() as srv:
        result, elapsed = timed(http_spec(srv.url(path)), session)
        sent = srv.bytes_sent
    assert (result.status, result.error) == (Status.DOWN, "body over 1 MiB")
    assert result.http_status == 200
    assert sent < BIG_BODY_BYTES // 10, f"server pushed {sent} bytes"
    assert elapsed < 0.9  # refused promptly, not at the deadline


def test_body_cap_follows_the_spec(session: requests.Session) -> None:
    with HTTPTestServer() as srv:
        url = srv.add("/h", body="x" * 5000)
        result, _ = timed(http_spec(url, max_body_bytes=4096), session)
        fits = run_check(http_spec(url, max_body_bytes=5000), session)
    assert (result.status, result.error) == (Status.DOWN, "body over 4 KiB")
    assert fits.status is Status.OK


def test_broken_json_with_health_json_format(session: requests.Session) -> None:
    with HTTPTestServer() as srv:
        url = srv.add("/health", body='{"status": "pass", "checks": {', content_type="application/health+json")
        result, _ = timed(http_spec(url, format=HealthFormat.HEALTH_JSON), session)
    assert (result.status, result.error, result.http_status) == (Status.DOWN, "invalid JSON", 200)


def test_redirect_loop(session: requests.Session) -> None:
    with HTTPTestServer() as srv:
        result, _ = timed(http_spec(srv.url("/loop"), max_redirects=5), session)
        hops = len(srv.requests)
    assert (result.status, result.error) == (Status.DOWN, "too many redirects")
    assert hops == 6  # the original request and five redirects, then it stopped


def test_connection_reset(session: requests.Session) -> None:
    with RawServer(reset_after_request) as srv:
        result, _ = timed(http_spec(srv.url("/health")), session)
    assert (result.status, result.error) == (Status.DOWN, "connection reset")


def test_connection_closed_without_response(session: requests.Session) -> None:
    with RawServer(close_without_response) as srv:
        result, _ = timed(http_spec(srv.url("/health")), session)
    assert (result.status, result.error) == (Status.DOWN, "connection closed without response")


def test_refused_port(session: requests.Session) -> None:
    result, _ = timed(http_spec(f"http://127.0.0.1:{refused_port()}/health"), session)
    assert (result.status, result.error, result.latency_ms) == (Status.DOWN, "connection refused", None)


def test_unresolvable_host(session: requests.Session) -> None:
    # .invalid is reserved (RFC 2606) and never resolves.
    result, _ = timed(http_spec("http://vigil-noc-test.invalid/health"), session)
    assert (result.status, result.error) == (Status.DOWN, "DNS lookup failed")


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors(session: requests.Session, code: int) -> None:
    with HTTPTestServer() as srv:
        result, _ = timed(http_spec(srv.add("/health", status=code, body="oops")), session)
    assert (result.status, result.error, result.http_status) == (Status.DOWN, f"HTTP {code}", code)


@pytest.mark.parametrize(
    ("pair", "use_ca", "host", "reason"),
    [
        ("self_signed", False, "localhost", "TLS certificate self-signed"),
        ("expired", True, "localhost", "TLS certificate expired"),
        ("wrong_host", True, "localhost", "TLS hostname mismatch"),
        ("wrong_host", True, "127.0.0.1", "TLS hostname mismatch"),  # IP not in the certificate
        ("valid", False, "localhost", "TLS certificate untrusted"),  # issuer unknown to certifi
    ],
)
def test_https_certificate_faults(session: requests.Session, pki: Pki, pair: str, use_ca: bool,
                                  host: str, reason: str) -> None:
    cert = getattr(pki, pair)
    with HTTPTestServer(cert.cert, cert.key) as srv:
        bundle = str(pki.ca) if use_ca else None
        result, _ = timed(http_spec(srv.url("/health", host=host), ca_bundle=bundle), session)
    assert (result.status, result.error) == (Status.DOWN, reason)


def test_https_with_the_right_ca_bundle_is_ok(session: requests.Session, pki: Pki) -> None:
    with HTTPTestServer(pki.valid.cert, pki.valid.key) as srv:
        srv.add("/health", body="ok")
        result, _ = timed(http_spec(srv.url("/health", host="localhost"), ca_bundle=str(pki.ca)), session)
    assert (result.status, result.error) == (Status.OK, None)
    assert "tls_verify" not in result.detail


# session.py silences this warning process-wide, but pytest resets filters per test.
@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_verify_tls_false_is_explicit_and_recorded(session: requests.Session, pki: Pki) -> None:
    with HTTPTestServer(pki.self_signed.cert, pki.self_signed.key) as srv:
        srv.add("/health", body="ok")
        result, _ = timed(http_spec(srv.url("/health"), verify_tls=False), session)
    assert result.status is Status.OK
    assert result.detail["tls_verify"] is False
    assert json.loads(json.dumps(result.to_json_dict()))["detail"]["tls_verify"] is False


def test_a_kept_alive_connection_is_still_guarded(session: requests.Session) -> None:
    # The second check reuses the pooled connection the first one opened; the
    # deadline must cover it too (registration happens per response).
    with HTTPTestServer() as srv:
        fast = srv.add("/fast", body="ok")
        slow = srv.add("/slow", body="ok", delay_s=3.0)
        assert run_check(http_spec(fast), session).status is Status.OK
        result, _ = timed(http_spec(slow), session)
    assert (result.status, result.error) == (Status.DOWN, "timeout after 1.0s")

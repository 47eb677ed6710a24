"""HTTP checks against a real local server: expectations, formats, secrets, redirects."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator

import pytest
import requests

from noc_app.checks import CheckResult, make_session, run_check, thread_local_session
from noc_app.domain import CheckKind, HealthFormat, Status
from noc_app.topology.model import CheckSpec, JsonExpectation
from tests.servers import HTTPTestServer


@pytest.fixture
def session() -> Iterator[requests.Session]:
    s = make_session(4)
    yield s
    s.close()


@pytest.fixture
def server() -> Iterator[HTTPTestServer]:
    with HTTPTestServer() as srv:
        yield srv


def http_spec(url: str, **overrides: object) -> CheckSpec:
    values: dict = dict(key="api#0", component_id="api", kind=CheckKind.HTTP, interval_s=10,
                        timeout_s=2.0, retries=2, url=url)
    values.update(overrides)
    return CheckSpec(**values)


def test_ok_result_and_its_json_line_shape(server: HTTPTestServer, session: requests.Session) -> None:
    url = server.add("/health", body="ok")
    fixed = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.timezone.utc)
    result = run_check(http_spec(url), session, now=lambda: fixed)
    assert isinstance(result, CheckResult)
    assert (result.status, result.http_status, result.error) == (Status.OK, 200, None)
    assert result.latency_ms is not None and 0 < result.latency_ms < 2000
    line = json.loads(json.dumps(result.to_json_dict()))
    assert list(line) == ["component", "check", "status", "latency_ms", "http_status", "error",
                          "detail", "at"]
    assert line["component"] == "api" and line["check"] == "api#0" and line["status"] == "OK"
    assert line["at"] == "2026-11-23T05:30:00.000+00:00"
    assert dt.datetime.fromisoformat(line["at"]) == fixed


def test_result_time_is_utc_even_from_another_zone(server: HTTPTestServer,
                                                    session: requests.Session) -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    result = run_check(http_spec(server.add("/h")), session,
                       now=dt.datetime(2026, 1, 1, 9, 0, tzinfo=tokyo))
    assert result.at.utcoffset() == dt.timedelta(0)
    assert result.to_json_dict()["at"] == "2026-01-01T00:00:00.000+00:00"
    with pytest.raises(ValueError):
        run_check(http_spec(server.add("/h")), session, now=dt.datetime(2026, 1, 1))


def test_unexpected_status_is_down_with_http_code(server: HTTPTestServer,
                                                  session: requests.Session) -> None:
    result = run_check(http_spec(server.add("/h", status=503, body="busy")), session)
    assert (result.status, result.error, result.http_status) == (Status.DOWN, "HTTP 503", 503)
    ok = run_check(http_spec(server.add("/h2", status=503), expect_status=(200, 503)), session)
    assert ok.status is Status.OK


def test_keyword(server: HTTPTestServer, session: requests.Session) -> None:
    url = server.add("/h", body="status: fine")
    assert run_check(http_spec(url, keyword="fine"), session).status is Status.OK
    missing = run_check(http_spec(url, keyword="ok"), session)
    assert (missing.status, missing.error) == (Status.DOWN, 'keyword "ok" not found')


def test_json_field_expectation(server: HTTPTestServer, session: requests.Session) -> None:
    url = server.add("/h", body=json.dumps({"data": {"db": "up"}}), content_type="application/json")
    good = run_check(http_spec(url, json=JsonExpectation("data.db", "up")), session)
    bad = run_check(http_spec(url, json=JsonExpectation("data.db", "UP")), session)
    assert good.status is Status.OK
    assert (bad.status, bad.error) == (Status.DOWN, 'json data.db = "up", expected "UP"')


def test_slow_response_is_degraded(server: HTTPTestServer, session: requests.Session) -> None:
    url = server.add("/slow", body="ok", delay_s=0.3)
    result = run_check(http_spec(url, degraded_ms=100), session)
    assert result.status is Status.DEGRADED
    assert result.latency_ms is not None and result.latency_ms >= 300
    assert result.error == f"slow: {result.latency_ms:.0f} ms > 100 ms"
    assert run_check(http_spec(url, degraded_ms=2000), session).status is Status.OK


@pytest.mark.parametrize(
    ("body", "content_type", "status", "error", "detail_key"),
    [
        ({"status": "warn", "checks": {"db:latency": [{"status": "warn"}]}}, "application/health+json",
         Status.DEGRADED, "health: warn (db:latency)", "checks"),
        ({"status": "UP", "components": {"db": {"status": "UP"}}},
         "application/vnd.spring-boot.actuator.v3+json", Status.OK, None, "components"),
        ({"cluster_name": "logs", "status": "yellow", "number_of_nodes": 2}, "application/json",
         Status.DEGRADED, "cluster yellow", "cluster_name"),
    ],
)
def test_auto_format_over_http(server: HTTPTestServer, session: requests.Session, body: dict,
                               content_type: str, status: Status, error: str | None,
                               detail_key: str) -> None:
    url = server.add("/h", body=json.dumps(body), content_type=content_type)
    result = run_check(http_spec(url), session)
    assert (result.status, result.error) == (status, error)
    assert detail_key in result.detail


def test_k8s_readyz_failure_is_down_with_failing_names(server: HTTPTestServer,
                                                        session: requests.Session) -> None:
    url = server.add("/readyz", status=500, body="[+]ping ok\n[-]etcd failed: reason withheld\n")
    result = run_check(http_spec(url, format=HealthFormat.K8S), session)
    assert (result.status, result.error) == (Status.DOWN, "HTTP 500")
    assert result.detail["failed"] == ["etcd"]
    assert "readyz failed: etcd" in result.detail["reasons"]


def test_secret_header_comes_from_the_environment_and_never_into_the_result(
        server: HTTPTestServer, session: requests.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_TEST_TOKEN", "Bearer s3cr3t-value")
    url = server.add("/private", body="ok")
    result = run_check(http_spec(url, headers_env=(("Authorization", "VIGIL_TEST_TOKEN"),)), session)
    assert result.status is Status.OK
    assert server.requests[-1][1]["Authorization"] == "Bearer s3cr3t-value"
    assert "s3cr3t" not in json.dumps(result.to_json_dict())


def test_missing_secret_variable_is_unknown_and_sends_nothing(
        server: HTTPTestServer, session: requests.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIGIL_TEST_ABSENT", raising=False)
    url = server.add("/private", body="ok")
    result = run_check(http_spec(url, headers_env=(("X-Api-Key", "VIGIL_TEST_ABSENT"),)), session)
    assert (result.status, result.error) == (Status.UNKNOWN, "environment variable VIGIL_TEST_ABSENT not set")
    assert server.requests == []


def test_redirects_within_the_cap_are_followed(server: HTTPTestServer,
                                               session: requests.Session) -> None:
    result = run_check(http_spec(server.url("/hops/3"), max_redirects=3), session)
    assert (result.status, result.http_status, result.detail["redirects"]) == (Status.OK, 200, 3)
    capped = run_check(http_spec(server.url("/hops/3"), max_redirects=2), session)
    assert (capped.status, capped.error) == (Status.DOWN, "too many redirects")


def test_secret_headers_are_dropped_when_a_redirect_leaves_the_origin(
        server: HTTPTestServer, session: requests.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_TEST_TOKEN", "s3cr3t")
    with HTTPTestServer() as elsewhere:
        target = elsewhere.add("/landing", body="ok")
        spec = http_spec(server.url(f"/redirect?to={target}"),
                         headers_env=(("X-Api-Key", "VIGIL_TEST_TOKEN"),))
        result = run_check(spec, session)
        assert result.status is Status.OK
        assert server.requests[-1][1].get("X-Api-Key") == "s3cr3t"
        assert "X-Api-Key" not in elsewhere.requests[-1][1]


def test_thread_local_session_is_one_per_thread() -> None:
    mine = thread_local_session(2)
    assert thread_local_session(2) is mine
    other: list[requests.Session] = []
    worker = threading.Thread(target=lambda: other.append(thread_local_session(2)))
    worker.start()
    worker.join()
    assert other[0] is not mine


def test_session_ignores_proxy_environment(server: HTTPTestServer, session: requests.Session,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment would send health checks somewhere else
    # (here: nowhere); the check must talk to the endpoint directly.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    assert run_check(http_spec(server.add("/h")), session).status is Status.OK


def test_runs_share_one_kept_alive_connection_until_a_body_is_left_unread(
        server: HTTPTestServer, session: requests.Session) -> None:
    # Every run reads its answer to the end and hands the connection back to
    # the pool: a poller opens one connection per endpoint, not one per run.
    ok, failing = server.add("/health", body="ok"), server.add("/down", status=503, body="no")
    for url in (ok, failing, server.url("/hops/2"), ok, ok):
        assert run_check(http_spec(url), session).http_status in (200, 503)
    assert server.connections == 1
    # A body refused unread cannot be skipped on that connection: it is closed, the next run opens one.
    big = run_check(http_spec(server.url("/big"), max_body_bytes=1024), session)
    assert (big.status, big.error) == (Status.DOWN, "body over 1 KiB")
    assert run_check(http_spec(ok), session).status is Status.OK
    assert server.connections == 2

"""Health-format parsers and response judging: pure functions, no I/O."""

from __future__ import annotations

import json

import pytest

from noc_app.checks.formats import (
    detect_format,
    parse_body,
    parse_elasticsearch,
    parse_health_json,
    parse_k8s,
    parse_plain,
    parse_spring,
)
from noc_app.checks.judge import MISSING, judge_http_response, lookup_path
from noc_app.domain import CheckKind, HealthFormat, Status
from noc_app.topology.model import CheckSpec, JsonExpectation

HEALTH_JSON = "application/health+json"


def js(doc: object) -> bytes:
    return json.dumps(doc).encode()


# --- IETF health+json ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("pass", Status.OK), ("ok", Status.OK), ("up", Status.OK), ("warn", Status.DEGRADED),
     ("fail", Status.DOWN), ("down", Status.DOWN), ("maintenance", Status.UNKNOWN)],
)
def test_health_json_top_level_status(raw: str, expected: Status) -> None:
    status, detail, reason = parse_health_json(200, HEALTH_JSON, js({"status": raw}))
    assert status is expected
    assert detail["health_status"] == raw
    assert (reason is None) == (expected is Status.OK)


def test_health_json_sub_checks_are_summarised_and_failing_ones_named() -> None:
    body = js({
        "status": "fail",
        "version": "1",
        "output": "x" * 500,
        "checks": {
            "db:connections": [{"componentId": "a", "status": "pass"},
                               {"componentId": "b", "status": "fail"}],
            "cache:ping": [{"status": "warn"}],
            "disk:free": [{"status": "pass"}],
        },
    })
    status, detail, reason = parse_health_json(503, HEALTH_JSON, body)
    assert status is Status.DOWN
    assert detail["checks"] == {"db:connections": "DOWN", "cache:ping": "DEGRADED", "disk:free": "OK"}
    assert detail["failing"] == ["db:connections", "cache:ping"]
    assert reason == "health: fail (db:connections, cache:ping)"
    assert len(detail["output"]) == 200  # free text is capped, never stored whole
    assert detail["version"] == "1"


def test_health_json_warn_is_degraded_with_names() -> None:
    body = js({"status": "warn", "checks": {"queue:depth": [{"status": "warn"}]}})
    assert parse_health_json(200, HEALTH_JSON, body) == (
        Status.DEGRADED,
        {"health_status": "warn", "checks": {"queue:depth": "DEGRADED"}, "failing": ["queue:depth"]},
        "health: warn (queue:depth)",
    )


def test_health_json_reason_lists_at_most_three_names() -> None:
    checks = {f"c{i}": [{"status": "fail"}] for i in range(5)}
    _, detail, reason = parse_health_json(503, HEALTH_JSON, js({"status": "fail", "checks": checks}))
    assert reason == "health: fail (c0, c1, c2 +2 more)"
    assert len(detail["failing"]) == 5


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe", b'{"status": "pass"'])
def test_health_json_broken_body_is_invalid_json(body: bytes) -> None:
    assert parse_health_json(200, HEALTH_JSON, body) == (Status.DOWN, {}, "invalid JSON")


@pytest.mark.parametrize("body", [js([1, 2]), js({"checks": {}}), js("pass")])
def test_health_json_without_status_is_down(body: bytes) -> None:
    status, _, reason = parse_health_json(200, HEALTH_JSON, body)
    assert (status, reason) == (Status.DOWN, "health: no status field")


# --- Spring Boot actuator -------------------------------------------------------


def test_spring_up_with_nested_components() -> None:
    body = js({"status": "UP", "components": {
        "db": {"status": "UP", "components": {"primary": {"status": "UP"}, "replica": {"status": "UP"}}},
        "diskSpace": {"status": "UP", "details": {"total": 1, "free": 1}},
    }})
    status, detail, reason = parse_spring(200, "application/json", body)
    assert (status, reason) == (Status.OK, None)
    assert detail["components"] == {
        "db": "UP", "db.primary": "UP", "db.replica": "UP", "diskSpace": "UP",
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("DOWN", Status.DOWN), ("OUT_OF_SERVICE", Status.DOWN), ("UNKNOWN", Status.UNKNOWN),
     ("CUSTOM_STATE", Status.UNKNOWN)],
)
def test_spring_statuses(raw: str, expected: Status) -> None:
    status, _, reason = parse_spring(503, "application/json", js({"status": raw}))
    assert status is expected
    assert reason == f"spring: {raw}"


def test_spring_down_names_failing_components_including_legacy_details_tree() -> None:
    # Spring Boot 2.0/2.1 put components under "details".
    body = js({"status": "DOWN", "details": {
        "db": {"status": "DOWN", "details": {"error": "timeout"}},
        "redis": {"status": "OUT_OF_SERVICE"},
        "ping": {"status": "UP"},
    }})
    status, detail, reason = parse_spring(503, "application/json", body)
    assert status is Status.DOWN
    assert detail["failing"] == ["db", "redis"]
    assert reason == "spring: DOWN (db, redis)"


# --- Kubernetes readyz?verbose --------------------------------------------------

K8S_OK = b"""[+]ping ok
[+]log ok
[+]etcd ok
[+]poststarthook/start-informers ok
readyz check passed
"""
K8S_FAIL = b"""[+]ping ok
[-]etcd failed: reason withheld
[+]log ok
[-]informer-sync failed: reason withheld
readyz check failed
"""


def test_k8s_all_passed() -> None:
    assert parse_k8s(200, "text/plain", K8S_OK) == (Status.OK, {"passed": 4}, None)


def test_k8s_failing_names_in_detail_and_reason() -> None:
    assert parse_k8s(500, "text/plain", K8S_FAIL) == (
        Status.DOWN, {"passed": 2, "failed": ["etcd", "informer-sync"]},
        "readyz failed: etcd, informer-sync",
    )


def test_k8s_non_verbose_bodies() -> None:
    assert parse_k8s(200, "text/plain", b"ok")[0] is Status.OK
    assert parse_k8s(500, "text/plain", b"")[0] is Status.DOWN
    assert parse_k8s(200, "text/html", b"<html>login</html>")[0] is Status.UNKNOWN


# --- Elasticsearch ------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "expected", "reason"),
    [("green", Status.OK, None), ("yellow", Status.DEGRADED, "cluster yellow"),
     ("red", Status.DOWN, "cluster red")],
)
def test_elasticsearch_colours(colour: str, expected: Status, reason: str | None) -> None:
    body = js({"cluster_name": "logs", "status": colour, "number_of_nodes": 3,
               "unassigned_shards": 4, "indices": {"huge": "not copied"}})
    status, detail, got_reason = parse_elasticsearch(200, "application/json", body)
    assert (status, got_reason) == (expected, reason)
    assert detail == {"cluster_status": colour, "cluster_name": "logs", "number_of_nodes": 3,
                      "unassigned_shards": 4}


def test_plain_judges_nothing_from_the_body() -> None:
    assert parse_plain(200, "text/html", b"<html>anything</html>") == (Status.OK, {}, None)


# --- auto-detection -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        (HEALTH_JSON, b"{}", HealthFormat.HEALTH_JSON),
        ("application/vnd.spring-boot.actuator.v3+json", js({"status": "UP"}), HealthFormat.SPRING),
        ("application/json", js({"status": "UP", "components": {}}), HealthFormat.SPRING),
        ("application/json", js({"status": "pass"}), HealthFormat.HEALTH_JSON),
        ("application/json", js({"cluster_name": "c", "status": "yellow"}), HealthFormat.ELASTICSEARCH),
        ("text/plain; charset=utf-8", K8S_FAIL, HealthFormat.K8S),
        ("text/plain", b"OK", HealthFormat.PLAIN),
        ("application/json", b"{broken", HealthFormat.PLAIN),
        ("application/json", js({"status": 3}), HealthFormat.PLAIN),
        ("application/json", js({"status": "green"}), HealthFormat.PLAIN),  # not a cluster
    ],
)
def test_detect_format(content_type: str, body: bytes, expected: HealthFormat) -> None:
    assert detect_format(content_type, body)[0] is expected


def test_parse_body_records_the_format_used() -> None:
    status, detail, reason = parse_body(HealthFormat.AUTO, 200, "application/json",
                                        js({"cluster_name": "c", "status": "red"}))
    assert (status, detail["format"], reason) == (Status.DOWN, "elasticsearch", "cluster red")
    # An explicit format is trusted even if the content type says otherwise.
    assert parse_body(HealthFormat.HEALTH_JSON, 200, "text/plain", b"nope")[2] == "invalid JSON"


# --- judging a whole response against a spec -------------------------------------------


def spec(**overrides: object) -> CheckSpec:
    values: dict = dict(key="api#0", component_id="api", kind=CheckKind.HTTP, interval_s=10,
                        timeout_s=1.0, retries=2, url="http://127.0.0.1/")
    values.update(overrides)
    return CheckSpec(**values)


def test_judge_ok() -> None:
    assert judge_http_response(spec(), 200, "text/plain", b"fine", 5.0) == (
        Status.OK, None, {"format": "plain"})


def test_judge_unexpected_status_keeps_the_format_detail() -> None:
    body = js({"status": "DOWN", "components": {"db": {"status": "DOWN"}}})
    status, error, detail = judge_http_response(spec(), 503, "application/json", body, 5.0)
    assert (status, error) == (Status.DOWN, "HTTP 503")
    assert detail["reasons"] == ["HTTP 503", "spring: DOWN (db)"]
    assert detail["components"] == {"db": "DOWN"}


def test_judge_expected_status_codes_are_honoured() -> None:
    assert judge_http_response(spec(expect_status=(200, 204)), 204, "", b"", 1.0)[0] is Status.OK
    assert judge_http_response(spec(expect_status=(200,)), 204, "", b"", 1.0)[1] == "HTTP 204"


def test_judge_keyword() -> None:
    assert judge_http_response(spec(keyword="ok"), 200, "", b"all ok", 1.0)[0] is Status.OK
    assert judge_http_response(spec(keyword="ok"), 200, "", b"fine", 1.0)[:2] == (
        Status.DOWN, 'keyword "ok" not found')


@pytest.mark.parametrize(
    ("body", "expectation", "error"),
    [
        (js({"status": "UP"}), JsonExpectation("status", "UP"), None),
        (js({"a": {"b": [{"c": 3}]}}), JsonExpectation("a.b.0.c", 3), None),
        (js({"a": {"b": [{"c": 3.0}]}}), JsonExpectation("a.b.0.c", 3), None),
        (js({"ready": True}), JsonExpectation("ready", True), None),
        (js({"ready": 1}), JsonExpectation("ready", True), "json ready = 1, expected true"),
        (js({"status": "DOWN"}), JsonExpectation("status", "UP"), 'json status = "DOWN", expected "UP"'),
        (js({"status": "UP"}), JsonExpectation("checks.db", "UP"), "json checks.db missing"),
        (b"<html>", JsonExpectation("status", "UP"), "invalid JSON"),
    ],
)
def test_judge_json_expectation(body: bytes, expectation: JsonExpectation, error: str | None) -> None:
    check = spec(json=expectation, format=HealthFormat.PLAIN)
    status, got, _ = judge_http_response(check, 200, "application/json", body, 1.0)
    assert got == error
    assert status is (Status.OK if error is None else Status.DOWN)


def test_lookup_path_does_not_index_strings_or_run_past_lists() -> None:
    doc = {"a": "text", "b": [1], "n": None}
    assert lookup_path(doc, "b.0") == 1
    assert lookup_path(doc, "n") is None  # JSON null is a value, not "missing"
    for path in ("a.0", "b.1", "b.x", "c", "n.x"):
        assert lookup_path(doc, path) is MISSING


def test_judge_slow_is_degraded_but_a_failure_outranks_it() -> None:
    assert judge_http_response(spec(degraded_ms=800), 200, "", b"", 1234.4)[:2] == (
        Status.DEGRADED, "slow: 1234 ms > 800 ms")
    status, error, detail = judge_http_response(spec(degraded_ms=800), 500, "", b"", 1234.4)
    assert (status, error) == (Status.DOWN, "HTTP 500")
    assert detail["reasons"] == ["HTTP 500", "slow: 1234 ms > 800 ms"]

"""Judging an HTTP response against a check's expectations (pure, no I/O).

Every expectation that fails contributes (status, reason); the worst status
wins and its first reason becomes the result's ``error``. All reasons are
kept in ``detail["reasons"]`` when there is more than one, so an operator
sees "HTTP 503" *and* "spring: DOWN (db)" without reading logs.
"""

from __future__ import annotations

import json
from typing import Any

from noc_app.checks.formats import InvalidJSON, load_json, parse_body
from noc_app.domain import Status, worst
from noc_app.topology.model import CheckSpec, JsonExpectation

MISSING = object()  # lookup_path result for an absent field (None is a JSON value)


def lookup_path(doc: Any, path: str) -> Any:
    """``doc["a"]["b"][0]`` for ``"a.b.0"``; ``MISSING`` when any step is absent."""
    current = doc
    for segment in path.split("."):
        if isinstance(current, dict) and segment in current:
            current = current[segment]
        elif isinstance(current, list) and segment.isdigit() and int(segment) < len(current):
            current = current[int(segment)]
        else:
            return MISSING
    return current


def _equal(value: Any, expected: Any) -> bool:
    # bool is an int in Python; "true" must not match 1 and 1 must not match true.
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    if isinstance(value, (int, float)) and isinstance(expected, (int, float)):
        return float(value) == float(expected)
    return type(value) is type(expected) and value == expected


def json_expectation_reason(body: bytes, expectation: JsonExpectation) -> str | None:
    """None when the body's field at ``expectation.path`` equals the expected value."""
    try:
        doc = load_json(body)
    except InvalidJSON:
        return "invalid JSON"
    value = lookup_path(doc, expectation.path)
    if value is MISSING:
        return f"json {expectation.path} missing"
    if _equal(value, expectation.equals):
        return None
    shown = json.dumps(value)[:40] if isinstance(value, (str, int, float, bool, type(None))) else type(value).__name__
    return f"json {expectation.path} = {shown}, expected {json.dumps(expectation.equals)}"


def slow_reason(latency_ms: float, degraded_ms: float) -> str:
    return f"slow: {latency_ms:.0f} ms > {degraded_ms:g} ms"


def judge_http_response(
    spec: CheckSpec, status_code: int, content_type: str, body: bytes, latency_ms: float
) -> tuple[Status, str | None, dict[str, Any]]:
    """(status, error, detail) for a complete response to ``spec``."""
    verdict = parse_body(spec.format, status_code, content_type, body)
    detail: dict[str, Any] = dict(verdict.detail)
    failures: list[tuple[Status, str]] = []

    if status_code not in spec.expect_status:
        failures.append((Status.DOWN, f"HTTP {status_code}"))
    if verdict.status is not Status.OK:
        failures.append((verdict.status, verdict.reason or verdict.status.value.lower()))
    if spec.keyword and spec.keyword.encode("utf-8") not in body:
        failures.append((Status.DOWN, f'keyword "{spec.keyword}" not found'))
    if spec.json is not None:
        reason = json_expectation_reason(body, spec.json)
        if reason is not None:
            failures.append((Status.DOWN, reason))
    if spec.degraded_ms is not None and latency_ms > spec.degraded_ms:
        failures.append((Status.DEGRADED, slow_reason(latency_ms, spec.degraded_ms)))

    if not failures:
        return Status.OK, None, detail
    status = worst(s for s, _ in failures)
    error = next(reason for s, reason in failures if s is status)
    reasons = list(dict.fromkeys(reason for _, reason in failures))  # ordered, no repeats
    if len(reasons) > 1:
        detail["reasons"] = reasons
    return status, error, detail

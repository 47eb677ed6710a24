"""Health answers in the real wire formats, for one simulated component.

Each renderer turns a ``ComponentState`` into what that kind of endpoint
really sends: status code, content type and a body a monitoring tool would
recognise. Degraded answers are *slow* (the fleet sleeps, not this module)
and, where the format can say so, carry a warning (``warn``, ``yellow``);
down answers fail the way the real software fails.

URL paths, after ``/<component-id>``:

=====================  =========================================
``/health``            plain text ``OK`` / ``ERROR: ...``
``/health+json``       IETF draft ``application/health+json``
``/actuator/health``   Spring Boot actuator (v3 media type)
``/readyz?verbose``    Kubernetes readyz, verbose text
``/_cluster/health``   Elasticsearch cluster health
=====================  =========================================
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence
from urllib.parse import unquote

from noc_app.demo.script import ComponentState, DemoState
from noc_app.domain import HealthFormat

#: Path after ``/<component-id>/`` -> the format answered there.
FORMAT_PATHS: dict[str, HealthFormat] = {
    "health": HealthFormat.PLAIN,
    "health+json": HealthFormat.HEALTH_JSON,
    "actuator/health": HealthFormat.SPRING,
    "readyz": HealthFormat.K8S,
    "_cluster/health": HealthFormat.ELASTICSEARCH,
}

#: The path (with query) a check should use for each format.
CHECK_PATHS: dict[HealthFormat, str] = {
    HealthFormat.PLAIN: "health",
    HealthFormat.HEALTH_JSON: "health+json",
    HealthFormat.SPRING: "actuator/health",
    HealthFormat.K8S: "readyz?verbose",
    HealthFormat.ELASTICSEARCH: "_cluster/health",
}

HEALTH_JSON_TYPE = "application/health+json"
SPRING_TYPE = "application/vnd.spring-boot.actuator.v3+json"
TEXT_TYPE = "text/plain; charset=utf-8"
ES_TYPE = "application/json; charset=UTF-8"

Query = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class HealthResponse:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def split_health_path(path: str) -> tuple[str, HealthFormat] | None:
    """``/api/actuator/health`` -> ``("api", SPRING)``; None if not a health path.

    The path is percent-decoded first, so ``/api/health%2Bjson`` works too.
    """
    parts = unquote(path).strip("/").split("/", 1)
    if len(parts) != 2 or not parts[0]:
        return None
    fmt = FORMAT_PATHS.get(parts[1].rstrip("/"))
    return (parts[0], fmt) if fmt else None


def render(
    fmt: HealthFormat,
    component_id: str,
    state: ComponentState,
    query: Query,
    now: dt.datetime,
) -> HealthResponse:
    """The answer of ``component_id`` in ``fmt`` while it is in ``state``."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"no renderer for format {fmt.value!r}")
    # Values vary a little every 10 s, like real gauges, yet stay reproducible.
    rng = random.Random(f"{component_id}:{int(now.timestamp()) // 10}")
    return renderer(component_id, state, query, now, rng)


def _failing(state: ComponentState) -> bool:
    # An unreachable component normally never gets here (the fleet resets the
    # connection); if it does, it must not look healthy.
    return state.state in (DemoState.DOWN, DemoState.UNREACHABLE)


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode("utf-8")


# -- plain ------------------------------------------------------------------


def _plain(component_id, state, query, now, rng) -> HealthResponse:
    if _failing(state):
        body = f"ERROR: {state.message or 'service unavailable'}\n"
        return HealthResponse(503, TEXT_TYPE, body.encode())
    if state.state is DemoState.DEGRADED and state.message:
        return HealthResponse(200, TEXT_TYPE, f"OK (warning: {state.message})\n".encode())
    return HealthResponse(200, TEXT_TYPE, b"OK\n")


# -- IETF health+json (draft-inadarei-api-health-check) ---------------------


def _health_json(component_id, state, query, now, rng) -> HealthResponse:
    focus = state.check or "db:connections"
    stamp = now.isoformat(timespec="seconds")
    verdict = {DemoState.OK: "pass", DemoState.DEGRADED: "warn"}.get(state.state, "fail")
    focus_entry: dict[str, object] = {
        "componentId": f"{component_id}-{focus.split(':')[0]}",
        "componentType": "datastore" if focus.startswith("db") else "component",
        "observedValue": _observed(focus, state, rng),
        "observedUnit": "connections" if focus.endswith("connections") else "ms",
        "status": verdict,
        "time": stamp,
    }
    if state.message and verdict != "pass":
        focus_entry["output"] = state.message
    body: dict[str, object] = {
        "status": verdict,
        "version": "1",
        "releaseId": f"2026.11.{rng.randint(1, 9)}",
        "serviceId": component_id,
        "description": f"health of {component_id}",
        "checks": {
            focus: [focus_entry],
            "uptime": [
                {
                    "componentType": "system",
                    "observedValue": 86400 * 9 + rng.randint(0, 3600),
                    "observedUnit": "s",
                    "status": "pass",
                    "time": stamp,
                }
            ],
            "memory:utilization": [
                {
                    "componentType": "system",
                    "observedValue": round(rng.uniform(40, 70), 1),
                    "observedUnit": "percent",
                    "status": "pass",
                    "time": stamp,
                }
            ],
        },
    }
    if state.message and verdict != "pass":
        body["output"] = state.message
    return HealthResponse(503 if verdict == "fail" else 200, HEALTH_JSON_TYPE, _json(body))


def _observed(focus: str, state: ComponentState, rng: random.Random) -> float:
    if focus.endswith("connections"):
        return {DemoState.OK: rng.randint(20, 60), DemoState.DEGRADED: rng.randint(170, 195)}.get(
            state.state, 200
        )
    return round(state.latency_ms or rng.uniform(2, 15), 1)


# -- Spring Boot actuator ---------------------------------------------------


def _spring(component_id, state, query, now, rng) -> HealthResponse:
    focus = state.check or "db"
    focus_status = "DOWN" if _failing(state) else "UP"
    focus_body: dict[str, object] = {"status": focus_status}
    if focus == "db":
        details: dict[str, object] = {"database": "PostgreSQL", "validationQuery": "isValid()"}
    else:
        details = {}
    if _failing(state):
        details = {"error": state.message or "org.springframework.dao.DataAccessResourceFailureException"}
    elif state.state is DemoState.DEGRADED and state.message:
        details["warning"] = state.message  # Spring has no "warn" level: UP, but slow
    if details:
        focus_body["details"] = details
    total = 107_374_182_400
    components = {
        focus: focus_body,
        "diskSpace": {
            "status": "UP",
            "details": {
                "total": total,
                "free": int(total * rng.uniform(0.35, 0.6)),
                "threshold": 10_485_760,
                "path": "/app/.",
                "exists": True,
            },
        },
        "livenessState": {"status": "UP"},
        "ping": {"status": "UP"},
    }
    body = {"status": focus_status, "components": dict(sorted(components.items()))}
    # Actuator maps DOWN and OUT_OF_SERVICE to 503 by default.
    return HealthResponse(503 if _failing(state) else 200, SPRING_TYPE, _json(body))


# -- Kubernetes readyz ------------------------------------------------------

_K8S_CHECKS = (
    "ping",
    "log",
    "etcd",
    "etcd-readiness",
    "informer-sync",
    "poststarthook/start-apiextensions-controllers",
    "poststarthook/generic-apiserver-start-informers",
    "shutdown",
)


def _k8s(component_id, state, query, now, rng) -> HealthResponse:
    focus = state.check or "etcd"
    names = list(_K8S_CHECKS)
    if focus not in names:
        names.insert(2, focus)
    failing = _failing(state)
    lines = [
        f"[-]{name} failed: reason withheld" if failing and name == focus else f"[+]{name} ok"
        for name in names
    ]
    lines.append("readyz check failed" if failing else "readyz check passed")
    headers = (("X-Content-Type-Options", "nosniff"),)
    if failing:
        # The API server lists the checks on failure even without ?verbose.
        return HealthResponse(500, TEXT_TYPE, ("\n".join(lines) + "\n").encode(), headers)
    if "verbose" not in query:
        return HealthResponse(200, TEXT_TYPE, b"ok", headers)
    return HealthResponse(200, TEXT_TYPE, ("\n".join(lines) + "\n").encode(), headers)


# -- Elasticsearch ----------------------------------------------------------

_ES_LEVEL = {"green": 0, "yellow": 1, "red": 2}


def _elasticsearch(component_id, state, query, now, rng) -> HealthResponse:
    colour = {DemoState.OK: "green", DemoState.DEGRADED: "yellow"}.get(state.state, "red")
    primaries = 48
    replicas = primaries  # one replica per primary
    unassigned_replicas = {"green": 0, "yellow": rng.randint(2, 6), "red": 14}[colour]
    unassigned_primaries = 3 if colour == "red" else 0
    active = primaries - unassigned_primaries + replicas - unassigned_replicas
    nodes = {"green": 3, "yellow": 3, "red": 2}[colour]
    wanted = (query.get("wait_for_status") or [""])[0]
    # Real ES waits up to ``timeout`` for the wanted status and then answers
    # 408 with timed_out=true; the fleet answers at once instead of holding a
    # thread for 30 s. Without wait_for_status a red cluster is still a 200.
    timed_out = wanted in _ES_LEVEL and _ES_LEVEL[colour] > _ES_LEVEL[wanted]
    body = {
        "cluster_name": f"vigil-{component_id}",
        "status": colour,
        "timed_out": timed_out,
        "number_of_nodes": nodes,
        "number_of_data_nodes": nodes,
        "active_primary_shards": primaries - unassigned_primaries,
        "active_shards": active,
        "relocating_shards": 0,
        "initializing_shards": 1 if colour == "yellow" else 0,
        "unassigned_shards": unassigned_replicas + unassigned_primaries,
        "delayed_unassigned_shards": 0,
        "number_of_pending_tasks": 0 if colour == "green" else rng.randint(1, 12),
        "number_of_in_flight_fetch": 0,
        "task_max_waiting_in_queue_millis": 0,
        "active_shards_percent_as_number": round(100.0 * active / (primaries + replicas), 1),
    }
    headers = (("X-elastic-product", "Elasticsearch"),)
    return HealthResponse(408 if timed_out else 200, ES_TYPE, _json(body), headers)


_Renderer = Callable[
    [str, ComponentState, Query, dt.datetime, random.Random], HealthResponse
]
_RENDERERS: dict[HealthFormat, _Renderer] = {
    HealthFormat.PLAIN: _plain,
    HealthFormat.HEALTH_JSON: _health_json,
    HealthFormat.SPRING: _spring,
    HealthFormat.K8S: _k8s,
    HealthFormat.ELASTICSEARCH: _elasticsearch,
}

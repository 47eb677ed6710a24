"""Health-endpoint formats: pure parsers from an HTTP response to a verdict.

Each parser takes ``(status_code, content_type, body)`` and returns a
``Verdict(status, detail, reason)``. They judge only what the *body* says;
whether the status code was expected is the HTTP check's business. ``detail``
holds small, plain values (names and statuses of sub-checks) - never the
whole body, which may be large or carry data nobody meant to store.
"""

from __future__ import annotations

import json
from typing import Any, Callable, NamedTuple

from noc_app.domain import HealthFormat, Status, worst


class Verdict(NamedTuple):
    status: Status
    detail: dict[str, Any]
    reason: str | None  # None when OK


class InvalidJSON(ValueError):
    pass


Parser = Callable[[int, str, bytes], Verdict]

# How many failing names a reason lists before "+N more"; the full list is in detail.
_NAMES_IN_REASON = 3
_MAX_TEXT = 200  # cap for free text (health+json "output") copied into detail


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise InvalidJSON("invalid JSON") from exc


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_IN_REASON])
    extra = len(names) - _NAMES_IN_REASON
    return f"{shown} +{extra} more" if extra > 0 else shown


def _with_names(prefix: str, names: list[str]) -> str:
    return f"{prefix} ({_names(names)})" if names else prefix


# --- IETF application/health+json (draft-inadvisable-health-check) ----------

_HEALTH_JSON_STATUS = {
    "pass": Status.OK, "ok": Status.OK, "up": Status.OK,
    "warn": Status.DEGRADED,
    "fail": Status.DOWN, "error": Status.DOWN, "down": Status.DOWN,
}


def _health_json_status(value: Any) -> Status:
    if isinstance(value, str):
        return _HEALTH_JSON_STATUS.get(value.lower(), Status.UNKNOWN)
    return Status.UNKNOWN


def health_json_from(doc: Any) -> Verdict:
    if not isinstance(doc, dict) or "status" not in doc:
        return Verdict(Status.DOWN, {}, "health: no status field")
    raw = doc["status"]
    status = _health_json_status(raw)
    detail: dict[str, Any] = {"health_status": raw}
    for key in ("version", "releaseId", "serviceId"):
        if isinstance(doc.get(key), (str, int, float)):
            detail[key] = doc[key]
    if isinstance(doc.get("output"), str) and doc["output"]:
        detail["output"] = doc["output"][:_MAX_TEXT]

    # "checks": {"db:connections": [{"status": "pass", ...}, ...], ...}
    checks = doc.get("checks")
    failing: list[str] = []
    if isinstance(checks, dict):
        summary: dict[str, str] = {}
        for name, entries in checks.items():
            items = entries if isinstance(entries, list) else [entries]
            statuses = [
                _health_json_status(item.get("status")) for item in items if isinstance(item, dict)
            ]
            worst_item = worst(statuses) if statuses else Status.UNKNOWN
            summary[str(name)] = worst_item.value
            if worst_item.is_failing:
                failing.append(str(name))
        detail["checks"] = summary
        if failing:
            detail["failing"] = failing

    if status is Status.OK:
        return Verdict(Status.OK, detail, None)
    if status is Status.UNKNOWN:
        return Verdict(Status.UNKNOWN, detail, f"health: unknown status {json.dumps(raw)}")
    return Verdict(status, detail, _with_names(f"health: {str(raw).lower()}", failing))


# --- Spring Boot actuator /actuator/health ---------------------------------

_SPRING_STATUS = {
    "UP": Status.OK,
    "DOWN": Status.DOWN,
    "OUT_OF_SERVICE": Status.DOWN,
    "UNKNOWN": Status.UNKNOWN,
}


def _spring_components(node: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    # Boot 2.2+ nests "components"; 2.0/2.1 used "details" for the same tree.
    children = node.get("components")
    if not isinstance(children, dict):
        children = node.get("details") if isinstance(node.get("details"), dict) else None
    if not children:
        return
    for name, child in children.items():
        if not isinstance(child, dict) or "status" not in child:
            continue  # a plain detail value ("database": "PostgreSQL"), not a component
        path = f"{prefix}{name}"
        out[path] = str(child["status"])
        _spring_components(child, f"{path}.", out)


def spring_from(doc: Any) -> Verdict:
    if not isinstance(doc, dict) or not isinstance(doc.get("status"), str):
        return Verdict(Status.DOWN, {}, "spring: no status field")
    raw = doc["status"]
    status = _SPRING_STATUS.get(raw.upper(), Status.UNKNOWN)  # custom statuses: unknown
    detail: dict[str, Any] = {"health_status": raw}
    components: dict[str, str] = {}
    _spring_components(doc, "", components)
    failing = [name for name, s in components.items() if s.upper() in ("DOWN", "OUT_OF_SERVICE")]
    if components:
        detail["components"] = components
    if failing:
        detail["failing"] = failing
    if status is Status.OK:
        return Verdict(Status.OK, detail, None)
    return Verdict(status, detail, _with_names(f"spring: {raw}", failing))


# --- Kubernetes /readyz?verbose, /livez?verbose ----------------------------


def parse_k8s(status_code: int, content_type: str, body: bytes) -> Verdict:
    text = body.decode("utf-8", errors="replace")
    passed: list[str] = []
    failed: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("[+]", "[-]")):
            # "[+]ping ok", "[-]etcd failed: reason withheld"
            name = line[3:].split(" ", 1)[0]
            (passed if line.startswith("[+]") else failed).append(name)
    detail: dict[str, Any] = {"passed": len(passed)}
    if failed:
        detail["failed"] = failed
        return Verdict(Status.DOWN, detail, f"readyz failed: {_names(failed)}")
    # Non-verbose endpoints answer a bare "ok"; a failure without verbose lines
    # is only visible in the status code.
    if status_code >= 400:
        return Verdict(Status.DOWN, detail, "readyz failed")
    if not passed and text.strip().lower() != "ok":
        return Verdict(Status.UNKNOWN, detail, "readyz: unrecognised body")
    return Verdict(Status.OK, detail, None)


# --- Elasticsearch _cluster/health -------------------------------------------

_ES_STATUS = {"green": Status.OK, "yellow": Status.DEGRADED, "red": Status.DOWN}
_ES_FIELDS = (
    "cluster_name", "number_of_nodes", "number_of_data_nodes", "active_shards_percent_as_number",
    "unassigned_shards", "initializing_shards", "relocating_shards", "timed_out",
)


def elasticsearch_from(doc: Any) -> Verdict:
    if not isinstance(doc, dict) or not isinstance(doc.get("status"), str):
        return Verdict(Status.DOWN, {}, "cluster health: no status field")
    raw = doc["status"]
    status = _ES_STATUS.get(raw.lower(), Status.UNKNOWN)
    detail: dict[str, Any] = {"cluster_status": raw}
    detail.update({k: doc[k] for k in _ES_FIELDS if isinstance(doc.get(k), (str, int, float, bool))})
    if status is Status.OK:
        return Verdict(Status.OK, detail, None)
    if status is Status.UNKNOWN:
        return Verdict(status, detail, f"cluster status {json.dumps(raw)} unknown")
    return Verdict(status, detail, f"cluster {raw.lower()}")


# --- plain and the JSON-based public parsers -----------------------------------


def parse_plain(status_code: int, content_type: str, body: bytes) -> Verdict:
    """The body says nothing about health; the status code (judged by the caller) does."""
    return Verdict(Status.OK, {}, None)


def _json_parser(from_doc: Callable[[Any], Verdict]) -> Parser:
    def parse(status_code: int, content_type: str, body: bytes) -> Verdict:
        try:
            doc = load_json(body)
        except InvalidJSON:
            return Verdict(Status.DOWN, {}, "invalid JSON")
        return from_doc(doc)

    parse.__name__ = from_doc.__name__.replace("_from", "")
    return parse


parse_health_json = _json_parser(health_json_from)
parse_spring = _json_parser(spring_from)
parse_elasticsearch = _json_parser(elasticsearch_from)


# --- auto-detection --------------------------------------------------------------


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def detect_format(content_type: str, body: bytes) -> tuple[HealthFormat, Any]:
    """Which format the response is, and its JSON document when it is JSON.

    Content type first (it is explicit), then the body's shape.
    """
    mime = _mime(content_type)
    if mime == "application/health+json":
        return HealthFormat.HEALTH_JSON, None
    if mime.startswith("application/vnd.spring-boot.actuator"):
        return HealthFormat.SPRING, None
    if body.lstrip()[:3] in (b"[+]", b"[-]"):
        return HealthFormat.K8S, None
    if body.lstrip()[:1] != b"{":
        return HealthFormat.PLAIN, None
    try:
        doc = load_json(body)
    except InvalidJSON:
        return HealthFormat.PLAIN, None  # not ours to judge: the server never claimed a format
    status = doc.get("status") if isinstance(doc, dict) else None
    if not isinstance(status, str):
        return HealthFormat.PLAIN, doc
    if status.lower() in _ES_STATUS and ("cluster_name" in doc or "number_of_nodes" in doc):
        return HealthFormat.ELASTICSEARCH, doc
    if status in _SPRING_STATUS:  # Spring statuses are upper case
        return HealthFormat.SPRING, doc
    if status.lower() in _HEALTH_JSON_STATUS:
        return HealthFormat.HEALTH_JSON, doc
    return HealthFormat.PLAIN, doc


_FROM_DOC = {
    HealthFormat.HEALTH_JSON: health_json_from,
    HealthFormat.SPRING: spring_from,
    HealthFormat.ELASTICSEARCH: elasticsearch_from,
}

PARSERS: dict[HealthFormat, Parser] = {
    HealthFormat.PLAIN: parse_plain,
    HealthFormat.HEALTH_JSON: parse_health_json,
    HealthFormat.SPRING: parse_spring,
    HealthFormat.K8S: parse_k8s,
    HealthFormat.ELASTICSEARCH: parse_elasticsearch,
}


def _auto(status_code: int, content_type: str, body: bytes) -> tuple[HealthFormat, Verdict]:
    fmt, doc = detect_format(content_type, body)
    if doc is not None and fmt in _FROM_DOC:
        return fmt, _FROM_DOC[fmt](doc)  # already decoded: do not parse twice
    return fmt, PARSERS[fmt](status_code, content_type, body)


def parse_auto(status_code: int, content_type: str, body: bytes) -> Verdict:
    return _auto(status_code, content_type, body)[1]


def parse_body(fmt: HealthFormat, status_code: int, content_type: str, body: bytes) -> Verdict:
    """The verdict of ``fmt`` (``auto`` detects), with the format used in detail."""
    if fmt is HealthFormat.AUTO:
        used, verdict = _auto(status_code, content_type, body)
    else:
        used, verdict = fmt, PARSERS[fmt](status_code, content_type, body)
    return Verdict(verdict.status, {"format": used.value, **verdict.detail}, verdict.reason)

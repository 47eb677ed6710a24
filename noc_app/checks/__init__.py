"""Health checks: one function per kind, each returning a ``CheckResult``.

``run_check`` is the single entry point for workers. It never raises for
anything an endpoint does: refusals, hangs, dribbles, huge bodies, bad
certificates and broken JSON all become DOWN/DEGRADED with a short reason.
No Qt, no threads of its own (except the shared deadline watchdog).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Union

import requests

from noc_app.checks.http import run_http_check
from noc_app.checks.result import CheckResult
from noc_app.checks.session import make_session, thread_local_session
from noc_app.checks.tcp import run_tcp_check
from noc_app.checks.tls import run_tls_check
from noc_app.domain import CheckKind, Status
from noc_app.topology.model import CheckSpec

__all__ = ["CheckResult", "make_session", "run_check", "thread_local_session"]

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def run_check(
    spec: CheckSpec,
    session: requests.Session | None = None,
    now: Union[Clock, dt.datetime, None] = None,
) -> CheckResult:
    """Run ``spec`` once, within ``spec.timeout_s`` (+ scheduling noise).

    ``session``: the worker's session (default: this thread's own, see
    ``thread_local_session``); only HTTP checks use it. ``now``: a clock or a
    fixed time (timezone-aware) stamped on the result and used for certificate
    expiry; default the real UTC clock.
    """
    at = now() if callable(now) else (now or utc_now())
    if at.tzinfo is None:
        raise ValueError("run_check needs a timezone-aware time")
    at = at.astimezone(dt.timezone.utc)
    try:
        if spec.kind is CheckKind.HTTP:
            return run_http_check(spec, session or thread_local_session(), at)
        if spec.kind is CheckKind.TCP:
            return run_tcp_check(spec, at)
        if spec.kind is CheckKind.TLS:
            return run_tls_check(spec, at)
    except Exception as exc:  # noqa: BLE001 - a bug in one check must not kill a worker
        # Endpoint faults are handled inside each kind; reaching here means a
        # defect of ours, reported as UNKNOWN (not DOWN: the endpoint may be fine).
        return CheckResult(spec.key, spec.component_id, Status.UNKNOWN, None, None,
                           f"check error ({type(exc).__name__})", {}, at)
    return CheckResult(spec.key, spec.component_id, Status.UNKNOWN, None, None,
                       f"unsupported check kind {spec.kind!r}", {}, at)

"""The HTTP(S) check: fetch under a hard deadline, cap the body, then judge.

Redirects are followed here rather than by requests so that each hop gets
only the time left on the check's deadline, the hop count is capped, and
secret headers are dropped when a redirect leaves the original origin (a
health endpoint redirecting to another host must not receive our token).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from urllib3 import BaseHTTPResponse

from noc_app.checks.deadline import DeadlineGuard, guarding
from noc_app.checks.errors import (
    BodyTooLarge,
    CheckFailure,
    DeadlineExceeded,
    TooManyRedirects,
    classify,
    timeout_reason,
)
from noc_app.checks.judge import judge_http_response
from noc_app.checks.result import CheckResult
from noc_app.checks.session import send_get
from noc_app.domain import Status
from noc_app.topology.model import CheckSpec
from noc_app.url_secrets import strip_userinfo

_CHUNK = 64 * 1024


class MissingSecret(CheckFailure):
    def __init__(self, variable: str) -> None:
        super().__init__(f"environment variable {variable} not set")


def resolve_headers(headers_env: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Header values from the environment variables the topology names.

    Raises ``MissingSecret`` naming the variable (never a value).
    """
    headers: dict[str, str] = {}
    for header, variable in headers_env:
        value = os.environ.get(variable)
        if value is None:
            raise MissingSecret(variable)
        headers[header] = value
    return headers


def resolve_basic_auth(spec: CheckSpec) -> tuple[str, str] | None:
    """(user, password) for HTTP basic auth: from ``basic_auth_env``, else from the file's URL.

    Both live only in memory; ``MissingSecret`` names the variable, never a value.
    """
    if spec.basic_auth_env:
        value = os.environ.get(spec.basic_auth_env)
        if value is None:
            raise MissingSecret(spec.basic_auth_env)
        user, colon, password = value.partition(":")
        if not colon:
            raise CheckFailure(f"environment variable {spec.basic_auth_env} must hold user:password")
        return user, password
    return spec.url_credentials


@functools.lru_cache(maxsize=65_536)  # the same few URLs every run; parsing them was ~3 % of a check
def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or ""), parts.port or default_port


def read_capped(response: BaseHTTPResponse, limit: int, guard: DeadlineGuard) -> bytes:
    """The (decoded) body, refusing more than ``limit`` bytes and stopping at the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)  # refuse without reading a byte of it
    body = bytearray()
    for chunk in response.stream(_CHUNK, decode_content=True):
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(limit)
        if guard.expired():
            raise DeadlineExceeded(guard.timeout_s)
    return bytes(body)


def _fetch(
    session: requests.Session, spec: CheckSpec, headers: dict[str, str], guard: DeadlineGuard,
    auth: tuple[str, str] | None = None,
) -> tuple[BaseHTTPResponse, int]:
    """The final response (streaming, body unread) and how many redirects led to it.

    ``auth`` goes as an Authorization header, to the original origin only,
    like the secret headers; the URL requested carries no user info (the
    spec's shows "***" where the password was).
    """
    verify: bool | str = (spec.ca_bundle or True) if spec.verify_tls else False
    url = _without_userinfo(spec.url or "")
    origin = _origin(url)
    redirects = 0
    while True:
        remaining = guard.remaining()
        if remaining <= 0:
            raise DeadlineExceeded(spec.timeout_s)
        same_origin = _origin(url) == origin
        response = send_get(
            session, url,
            headers=headers if same_origin else {},
            auth=auth if same_origin else None,
            timeout=(remaining, remaining),  # per connect / per read; the guard bounds the total
            verify=verify,
        )
        target = _redirect_target(response)
        if target is None:
            return response, redirects
        _drain_small(response)
        done_with(response)
        redirects += 1
        if redirects > spec.max_redirects:
            raise TooManyRedirects()
        url = urljoin(url, target)


def _redirect_target(response: BaseHTTPResponse) -> str | None:
    """Where a redirect points (None: not a redirect), read as requests reads it."""
    location = response.get_redirect_location()
    if not location:
        return None
    # http.client decodes header bytes as Latin-1; servers send UTF-8 there.
    try:
        return location.encode("latin1").decode("utf-8")
    except UnicodeError:
        return location


def _drain_small(response: BaseHTTPResponse) -> None:
    """Read a redirect's short body, so that its connection stays alive for the next hop."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) <= _CHUNK:
        try:
            response.read()
        except Exception:  # noqa: BLE001 - not the check's answer: the connection is just closed
            pass


def done_with(response: BaseHTTPResponse) -> None:
    """Give the connection back: kept alive after a body read to the end, closed otherwise."""
    response.close()  # read to the end, urllib3 has released it already and this closes nothing
    response.release_conn()


@functools.lru_cache(maxsize=65_536)  # the same URL every run
def _without_userinfo(url: str) -> str:
    return strip_userinfo(url)


def run_http_check(spec: CheckSpec, session: requests.Session, at: dt.datetime) -> CheckResult:
    def result(status: Status, error: str | None, detail: dict[str, Any],
               latency_ms: float | None = None, http_status: int | None = None) -> CheckResult:
        return CheckResult(spec.key, spec.component_id, status, latency_ms, http_status,
                           error, detail, at)

    detail: dict[str, Any] = {}
    if not spec.verify_tls:
        detail["tls_verify"] = False  # the opt-out is explicit and always visible
    try:
        headers = resolve_headers(spec.headers_env)
        auth = resolve_basic_auth(spec)
    except CheckFailure as exc:  # a missing or malformed secret: we cannot tell, not DOWN
        return result(Status.UNKNOWN, exc.reason, detail)

    started = time.monotonic()
    http_status: int | None = None
    with guarding(spec.timeout_s) as guard:
        try:
            response, redirects = _fetch(session, spec, headers, guard, auth)
            http_status = response.status
            if redirects:
                detail["redirects"] = redirects
            try:
                body = read_capped(response, spec.max_body_bytes, guard)
            finally:
                done_with(response)
            if guard.fired:
                # The watchdog cut the connection; a body cut short without a
                # Content-Length can look complete, so never judge it.
                raise DeadlineExceeded(spec.timeout_s)
        except Exception as exc:  # noqa: BLE001 - endpoint misbehaviour must never escape a check
            reason = timeout_reason(spec.timeout_s) if guard.fired else classify(exc, spec.timeout_s)
            return result(Status.DOWN, reason, detail, http_status=http_status)
    latency_ms = (time.monotonic() - started) * 1000.0

    status, error, judged = judge_http_response(
        spec, response.status, response.headers.get("Content-Type", ""), body, latency_ms
    )
    return result(status, error, {**detail, **judged}, latency_ms, response.status)

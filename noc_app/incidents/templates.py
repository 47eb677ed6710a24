"""Message templates: ``{placeholder}`` text filled from the incident.

Parsing is strict and done before anything is sent: an unknown placeholder
or a stray brace is a ``TemplateError`` naming it, never a crash halfway
through a send.  Values are inserted once and never parsed again, so an
incident title containing ``{braces}`` is printed as typed.  ``{{`` and
``}}`` write literal braces.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from noc_app.incidents.errors import TemplateError

PLACEHOLDERS = ("incident_title", "priority", "components", "customers_count", "eta",
                "next_update", "status_url", "incident_id", "customer_name")

_FORMATTER = string.Formatter()


def _parse(text: str, where: str) -> list[tuple[str, str | None]]:
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise TemplateError(f"template {where}: {exc} (write {{{{ or }}}} for a literal brace)",
                            where) from None
    out = []
    for literal, name, spec, conversion in parts:
        if name is not None and (spec or conversion):
            raise TemplateError(f"template {where}: write {{{name}}} without a format or "
                                "conversion", where)
        if name is not None and name not in PLACEHOLDERS:
            shown = name or "{}"
            raise TemplateError(f"template {where}: unknown placeholder {{{shown}}}; known: "
                                + ", ".join(PLACEHOLDERS), where)
        out.append((literal, name))
    return out


def validate_template(subject: str, body: str) -> None:
    """Raise ``TemplateError`` for what the template editor must fix before saving."""
    _parse(subject, "subject")
    _parse(body, "body")


def render(text: str, values: Mapping[str, object], where: str = "body") -> str:
    return "".join(literal + ("" if name is None else str(values[name]))
                   for literal, name in _parse(text, where))

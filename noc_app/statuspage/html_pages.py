"""The static HTML pages: ``index.html``, ``history.html`` and ``incidents/<id>.html``.

No JavaScript: a page is complete as served, readable on a phone. Every
text comes from the public model and is escaped. Incident pages are cached
per incident (frozen values): a ``--watch`` rewrite renders only new ones.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import lru_cache
from html import escape

from noc_app.statuspage.html_style import CSS, ICONS
from noc_app.statuspage.model import (
    ComponentView, PublicIncident, PublicMaintenance, PublicPage, Uptime, UptimeDay,
)
from noc_app.statuspage.timefmt import human, short, zone
from noc_app.statuspage.vocabulary import WORDS

IMPACT_WORDS = {"none": "No impact", "minor": "Minor impact", "major": "Major impact", "critical": "Critical impact"}
LEGEND = ("operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance", "no_data")
BAR_WORDS = WORDS | {"no_data": "No data"}


class HtmlWriter:
    def __init__(self) -> None:
        # id(incident) -> (incident, page bytes); see JsonWriter for why the object is kept.
        self._incident_pages: dict[int, tuple[PublicIncident, bytes]] = {}
        self._items: dict[int, tuple[PublicIncident, str]] = {}  # history entries, the same way
        self._page_key = None

    def _history_items(self, page: PublicPage) -> dict[str, str]:
        cache, self._items = self._items, {}
        out = {}
        for i in page.incidents:
            hit = cache.get(id(i))
            text = hit[1] if hit is not None and hit[0] is i else _history_item(i, page.time_zone)
            self._items[id(i)] = (i, text)
            out[i.id] = text
        return out

    def documents(self, page: PublicPage) -> dict[str, bytes]:
        page_key = (page.name, page.url, page.time_zone)
        cache = self._incident_pages if page_key == self._page_key else {}
        if page_key != self._page_key:
            self._items = {}
        self._incident_pages, self._page_key = {}, page_key
        out = {}
        for incident in page.incidents:
            hit = cache.get(id(incident))
            data = hit[1] if hit is not None and hit[0] is incident else _doc(
                f"{incident.name} — {page.name}", incident_page(page, incident), depth=1)
            self._incident_pages[id(incident)] = (incident, data)
            out[f"incidents/{incident.id}.html"] = data
        out["history.html"] = _doc(f"History — {page.name}", history_page(page, self._history_items(page)))
        out["index.html"] = _doc(page.name, index_page(page))
        return out


def _doc(title: str, body: str, depth: int = 0) -> bytes:
    up = "../" * depth
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title>"
            f'<link rel="alternate" type="application/atom+xml" title="Incident history (Atom)" href="{up}history.atom">'
            f'<link rel="alternate" type="application/rss+xml" title="Incident history (RSS)" href="{up}history.rss">'
            f"<style>{CSS}</style></head>\n<body><main>\n{body}\n</main></body></html>\n").encode("utf-8")


def _pill(status: str) -> str:
    return f'<span class="pill s-{status}">{ICONS[status]} {escape(WORDS[status])}</span>'


def _footer(depth: int = 0) -> str:
    up = "../" * depth
    return (f'<footer><a href="{up}index.html">Current status</a><a href="{up}history.html">Incident history</a>'
            f'<a href="{up}history.atom">Atom feed</a><a href="{up}history.rss">RSS feed</a>'
            f'<a href="{up}api/v2/summary.json">JSON (Statuspage v2)</a></footer>')


def index_page(page: PublicPage) -> str:
    tz = page.time_zone
    s = page.status
    parts = [f"<h1>{escape(page.name)}</h1>",
             f'<div class="banner i-{s.indicator}" role="status"><span class="icon" aria-hidden="true">'
             f'{ICONS[s.indicator]}</span><span>{escape(s.description)}</span></div>',
             f'<p class="updated">Last updated <time datetime="{page.updated_at.isoformat()}">'
             f"{escape(human(page.updated_at, tz))}</time></p>"]
    active = [i for i in page.incidents if i.unresolved]
    if active:
        parts.append("<h2>Active incidents</h2>")
        parts += [_incident_card(i, tz, link=True) for i in active]
    shown = [m for m in page.maintenances if m.status != "completed"]
    parts.append('<h2 id="maintenance">Maintenance</h2>')
    parts += [_maintenance_card(m, page) for m in shown] or ['<p class="empty">No maintenance scheduled.</p>']
    parts.append("<h2>Components</h2>")
    parts += [_component_card(c, page) for c in page.components]
    parts.append('<p class="legend">Bars, one per day: ' + "".join(
        f'<span>{ICONS[k]} {escape(BAR_WORDS[k])}</span>' for k in LEGEND) + "</p>")
    recent = [i for i in page.incidents if not i.unresolved][:5]
    parts.append("<h2>Recently resolved</h2>")
    parts += [_incident_card(i, tz, link=True, updates=1) for i in recent] or [
        '<p class="empty">No incidents reported.</p>']
    parts.append(_footer())
    return "\n".join(parts)


def _updates(i: PublicIncident, tz: str, updates: int | None = None) -> str:
    return "".join(f'<div class="update"><div><span class="what">{escape(WORDS[u.status])}</span> '
            f'<span class="when">— <time datetime="{u.created_at.isoformat()}">{escape(human(u.created_at, tz))}'
            f'</time></span></div><p class="body">{escape(u.body)}</p></div>'
            for u in i.updates[:updates])


def _incident_card(i: PublicIncident, tz: str, link: bool, updates: int | None = None) -> str:
    name = escape(i.name)
    title = f'<a href="incidents/{escape(i.id)}.html">{name}</a>' if link else name
    rows = _updates(i, tz, updates)
    state = "Resolved" if not i.unresolved else WORDS[i.status]
    return (f'<article class="card incident"><h3>{title}</h3>'
            f'<div class="desc">{escape(state)} · {escape(IMPACT_WORDS[i.impact])}</div>{rows}</article>')


def _maintenance_card(m: PublicMaintenance, page: PublicPage) -> str:
    tz = page.time_zone
    status = "under_maintenance" if m.status in ("in_progress", "verifying") else m.status
    label = f'<span class="pill s-{status}">{ICONS["under_maintenance"]} {escape(WORDS[m.status])}</span>'
    return (f'<article class="card"><div class="comp-head"><span class="comp-name">{escape(m.name)}</span>{label}</div>'
            f'<p class="body">{escape(human(m.scheduled_for, tz))} — {escape(human(m.scheduled_until, tz))}</p>'
            f'<p class="desc">{escape(m.body)}</p></article>')


def _component_card(c: ComponentView, page: PublicPage) -> str:
    desc = f'<p class="desc">{escape(c.description)}</p>' if c.description else ""
    return (f'<section class="card"><div class="comp-head"><span class="comp-name">{escape(c.name)}</span>'
            f"{_pill(c.status)}</div>{desc}{_bars(c.uptime, page.time_zone) if c.uptime else ''}</section>")


def _bars(u: Uptime, tz: str) -> str:
    percent = "no data yet" if u.percent is None else f"{_percent(u.percent)} % uptime"
    spans = _past_bars(u.past) + _bar(u.days[-1])
    bad = [d for d in u.days if d.down_s > 0]
    outages = ("Days with outages, latest first: " + ", ".join(
        f"{d.date.day} {d.date:%b} ({_minutes(d.down_s)})" for d in reversed(bad[-6:]))
               + (f" and {len(bad) - 6} more" if len(bad) > 6 else "")) if bad else "No outage in this period."
    n = len(u.days)
    return (f'<div class="bars" role="img" aria-label="{escape(percent)} over the last {n} days">{spans}</div>'
            f'<div class="bar-scale"><span>{n} days ago</span><span class="uptime">{escape(percent)}</span>'
            f'<span>Today</span></div><p class="outages">{escape(outages)}</p>')


_PAST_BARS: dict[int, tuple[tuple, str]] = {}


def _past_bars(past: tuple[UptimeDay, ...]) -> str:
    """The finished days' bars, made once per day and component (the tuple is reused until midnight)."""
    hit = _PAST_BARS.get(id(past))
    if hit is not None and hit[0] is past:
        return hit[1]
    if len(_PAST_BARS) > 4096:
        _PAST_BARS.clear()
    text = "".join(_bar(d) for d in past)
    _PAST_BARS[id(past)] = (past, text)
    return text


@lru_cache(maxsize=8192)
def _bar(d: UptimeDay) -> str:
    """One day's bar; cached, since only today's changes between rewrites."""
    return f'<span class="b-{d.status}" title="{escape(_day_text(d))}"></span>'


def _day_text(d) -> str:
    text = f"{d.date.day} {d.date:%b %Y}: {BAR_WORDS[d.status]}"
    return text + (f", {_minutes(d.down_s)} down" if d.down_s else "")


def _minutes(seconds: float) -> str:
    m = round(seconds / 60)
    return f"{m} min" if m < 120 else f"{m / 60:.1f} h"


def _percent(p: float) -> str:
    """Never rounds an outage up to 100: 99.9996 shows as 99.999."""
    text = f"{int(p * 1000) / 1000:.3f}".rstrip("0").rstrip(".")
    return text


def history_page(page: PublicPage, items: dict[str, str] | None = None) -> str:
    tz = zone(page.time_zone)
    by_month: dict[tuple[int, int], list[PublicIncident]] = defaultdict(list)
    for i in page.incidents:
        local = i.created_at.astimezone(tz)
        by_month[(local.year, local.month)].append(i)
    now = page.updated_at.astimezone(tz)
    months, (y, m) = [], (now.year, now.month)
    oldest = min(by_month, default=(y, m))
    oldest = min(oldest, _back(y, m, 2))  # at least three months, so a quiet page still shows its history
    while (y, m) >= oldest:
        months.append((y, m))
        y, m = _back(y, m, 1)
    parts = [f"<h1>{escape(page.name)} — incident history</h1>",
             f'<p class="updated">Last updated {escape(human(page.updated_at, page.time_zone))}</p>']
    for y, m in months:
        parts.append(f'<h2 class="month">{dt.date(y, m, 1):%B %Y}</h2>')
        month_items = by_month.get((y, m), [])
        parts += [(items or {}).get(i.id) or _history_item(i, page.time_zone) for i in month_items] or [
            '<p class="empty">No incidents reported.</p>']
    parts.append(_footer())
    return "\n".join(parts)


def _back(y: int, m: int, n: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) - n
    return total // 12, total % 12 + 1


def _history_item(i: PublicIncident, tz: str) -> str:
    end = f" — {short(i.resolved_at, tz)}" if i.resolved_at else " — ongoing"
    last = i.updates[0]
    return (f'<article class="card incident"><h3><a href="incidents/{escape(i.id)}.html">{escape(i.name)}</a></h3>'
            f'<div class="desc">{escape(WORDS[i.status])} · {escape(IMPACT_WORDS[i.impact])} · '
            f"{escape(short(i.created_at, tz))}{escape(end)}</div>"
            f'<p class="body">{escape(last.body)}</p></article>')


def incident_page(page: PublicPage, i: PublicIncident) -> str:
    names = {a.code: a.name for u in i.updates for a in u.affected}
    affected = ", ".join(escape(names.get(c, c)) for c in i.components)
    return "\n".join([
        f'<p><a href="../index.html">← {escape(page.name)}</a></p>',
        f"<h1>{escape(i.name)}</h1>",
        f'<p class="desc">{escape(WORDS[i.status])} · {escape(IMPACT_WORDS[i.impact])} · Affected: {affected}</p>',
        "<h2>Updates, newest first</h2>",
        f'<article class="card incident">{_updates(i, page.time_zone)}</article>',
        _footer(depth=1),
    ])

"""``history.atom`` and ``history.rss``: one entry per public incident, newest first.

``FeedWriter`` keeps each incident's entries (frozen values, the same object
while the incident is unchanged, see ``reader.IncidentCache``), so a
``--watch`` rewrite formats only the incidents that changed.
"""

from __future__ import annotations

import datetime as dt
from html import escape as _html_escape

from noc_app.statuspage.model import PublicIncident, PublicPage
from noc_app.statuspage.timefmt import human, iso
from noc_app.statuspage.vocabulary import WORDS

FEED_ENTRIES = 50
# RFC 822 names are English whatever the locale (strftime's %a / %b are not).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def escape(text: str) -> str:
    """``&``, ``<`` and ``>``, as ``xml.sax.saxutils.escape`` does (that module imports
    ``urllib.request`` and ``http.client``: ~10 ms of start-up for three replacements)."""
    return _html_escape(text, quote=False)


def attribute(text: str) -> str:
    """Text for inside a double-quoted attribute: a page URL with a quote in it must not end the attribute."""
    return _html_escape(text, quote=True)


def format_datetime(value: dt.datetime) -> str:
    """RFC 822 date for RSS: ``Tue, 01 Dec 2026 10:00:00 +0000`` (the value's own offset)."""
    zone = value.strftime("%z") if value.tzinfo is not None else "-0000"
    return (f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} {value.year:04d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {zone}")


def feeds(page: PublicPage) -> dict[str, bytes]:
    return FeedWriter().documents(page)


class FeedWriter:
    def __init__(self) -> None:
        # id(incident) -> (incident, atom entry, rss item); the object is kept so its id is not reused.
        self._entries: dict[int, tuple[PublicIncident, str, str]] = {}
        self._page_key = None

    def documents(self, page: PublicPage) -> dict[str, bytes]:
        page_key = (page.id, page.url, page.time_zone)
        cache, self._entries = (self._entries if page_key == self._page_key else {}), {}
        self._page_key = page_key
        entries, items = [], []
        for i in page.incidents[:FEED_ENTRIES]:
            hit = cache.get(id(i))
            if hit is None or hit[0] is not i:
                hit = (i, _atom_entry(i, page), _rss_item(i, page))
            self._entries[id(i)] = hit
            entries.append(hit[1])
            items.append(hit[2])
        return {"history.atom": _atom(page, entries).encode("utf-8"),
                "history.rss": _rss(page, items).encode("utf-8")}


def atom(page: PublicPage) -> str:
    return _atom(page, [_atom_entry(i, page) for i in page.incidents[:FEED_ENTRIES]])


def rss(page: PublicPage) -> str:
    return _rss(page, [_rss_item(i, page) for i in page.incidents[:FEED_ENTRIES]])


def _content(i: PublicIncident, tz: str) -> str:
    return "\n\n".join(f"{WORDS[u.status]} — {human(u.created_at, tz)}\n{u.body}" for u in i.updates)


def _atom_entry(i: PublicIncident, page: PublicPage) -> str:
    tz = page.time_zone
    link = attribute(page.link(f"incidents/{i.id}.html"))
    return (f"<entry><id>tag:{escape(page.id)},status:{escape(i.id)}</id><title>{escape(i.name)}</title>"
            f"<updated>{iso(i.updated_at, tz)}</updated><published>{iso(i.created_at, tz)}</published>"
            f'<link rel="alternate" href="{link}"/>'
            f'<content type="text">{escape(_content(i, tz))}</content></entry>')


def _atom(page: PublicPage, entries: list[str]) -> str:
    tz = page.time_zone
    base = page.url.rstrip("/") + "/" if page.url else ""
    updated = iso(page.incidents[0].updated_at if page.incidents else page.updated_at, tz)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>tag:{escape(page.id)},status</id><title>{escape(page.name)} — incident history</title>"
            f'<updated>{updated}</updated><link rel="self" href="{attribute(base)}history.atom"/>'
            f'<link rel="alternate" href="{attribute(base)}history.html"/>'
            f"<author><name>{escape(page.name)}</name></author>" + "".join(entries) + "</feed>\n")


def _rss_item(i: PublicIncident, page: PublicPage) -> str:
    link = escape(page.link(f"incidents/{i.id}.html"))
    return (f"<item><title>{escape(i.name)}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{escape(page.id)}-{escape(i.id)}</guid>'
            f"<pubDate>{format_datetime(i.updated_at)}</pubDate>"
            f"<description>{escape(_content(i, page.time_zone))}</description></item>")


def _rss(page: PublicPage, items: list[str]) -> str:
    base = page.url.rstrip("/") + "/" if page.url else ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(page.name)} — incident history</title><link>{escape(base)}history.html</link>"
            f"<description>Incidents and their updates</description>"
            f"<lastBuildDate>{format_datetime(page.updated_at)}</lastBuildDate>" + "".join(items)
            + "</channel></rss>\n")

"""``history.atom`` and ``history.rss``: one entry per public incident, newest first."""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from noc_app.statuspage.model import PublicIncident, PublicPage
from noc_app.statuspage.timefmt import human, iso
from noc_app.statuspage.vocabulary import WORDS

FEED_ENTRIES = 50


def feeds(page: PublicPage) -> dict[str, bytes]:
    return {"history.atom": atom(page).encode("utf-8"), "history.rss": rss(page).encode("utf-8")}


def _content(i: PublicIncident, tz: str) -> str:
    return "\n\n".join(f"{WORDS[u.status]} — {human(u.created_at, tz)}\n{u.body}" for u in i.updates)


def atom(page: PublicPage) -> str:
    tz = page.time_zone
    base = page.url.rstrip("/") + "/" if page.url else ""
    entries = []
    for i in page.incidents[:FEED_ENTRIES]:
        link = escape(page.link(f"incidents/{i.id}.html"))
        entries.append(
            f"<entry><id>tag:{escape(page.id)},status:{escape(i.id)}</id><title>{escape(i.name)}</title>"
            f"<updated>{iso(i.updated_at, tz)}</updated><published>{iso(i.created_at, tz)}</published>"
            f'<link rel="alternate" href="{link}"/>'
            f'<content type="text">{escape(_content(i, tz))}</content></entry>')
    updated = iso(page.incidents[0].updated_at if page.incidents else page.updated_at, tz)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>tag:{escape(page.id)},status</id><title>{escape(page.name)} — incident history</title>"
            f'<updated>{updated}</updated><link rel="self" href="{escape(base)}history.atom"/>'
            f'<link rel="alternate" href="{escape(base)}history.html"/>'
            f"<author><name>{escape(page.name)}</name></author>" + "".join(entries) + "</feed>\n")


def rss(page: PublicPage) -> str:
    tz = page.time_zone
    base = page.url.rstrip("/") + "/" if page.url else ""
    items = []
    for i in page.incidents[:FEED_ENTRIES]:
        link = escape(page.link(f"incidents/{i.id}.html"))
        items.append(
            f"<item><title>{escape(i.name)}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{escape(page.id)}-{escape(i.id)}</guid>'
            f"<pubDate>{format_datetime(i.updated_at)}</pubDate>"
            f"<description>{escape(_content(i, tz))}</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(page.name)} — incident history</title><link>{escape(base)}history.html</link>"
            f"<description>Incidents and their updates</description>"
            f"<lastBuildDate>{format_datetime(page.updated_at)}</lastBuildDate>" + "".join(items)
            + "</channel></rss>\n")

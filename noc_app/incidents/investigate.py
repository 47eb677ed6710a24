"""Investigate: recent changes around the affected components, matching known problems.

Changes correlate strongly with failure, and a failure often shows up
downstream of what changed, so "touching the components" includes
everything they (transitively) depend on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from noc_app.incidents.values import check_aware
from noc_app.storage import models as db

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ChangeInfo:
    id: str
    at: dt.datetime
    author: str
    summary: str
    components: tuple[str, ...]  # the components of interest it touched
    direct: bool  # touched a picked component itself (not only a dependency)


@dataclass(frozen=True)
class KbMatch:
    id: str
    title: str
    solution: str
    script: str | None
    symptoms: tuple[str, ...]
    reasons: tuple[str, ...]  # "linked to db-main", 'symptom "API 503"'


def with_dependencies(session: Session, component_ids: Iterable[str]) -> set[str]:
    """The components and everything they depend on, transitively."""
    edges: dict[str, set[str]] = {}
    for cid, dep in session.execute(select(db.ComponentDependency.component_id,
                                           db.ComponentDependency.depends_on_id)):
        edges.setdefault(cid, set()).add(dep)
    seen = set(component_ids)
    stack = list(seen)
    while stack:
        for dep in edges.get(stack.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return seen


def recent_changes(session: Session, component_ids: Iterable[str], hours: float,
                   now: dt.datetime) -> list[ChangeInfo]:
    picked = set(component_ids)
    scope = with_dependencies(session, picked)
    since = now - dt.timedelta(hours=hours)
    rows = session.execute(
        select(db.ChangeRecord, db.ChangeComponent.component_id)
        .join(db.ChangeComponent, db.ChangeComponent.change_id == db.ChangeRecord.id)
        .where(db.ChangeComponent.component_id.in_(scope), db.ChangeRecord.at >= since,
               db.ChangeRecord.at <= now)).all()
    touched: dict[str, tuple[db.ChangeRecord, set[str]]] = {}
    for change, cid in rows:
        touched.setdefault(change.id, (change, set()))[1].add(cid)
    return sorted((ChangeInfo(c.id, c.at, c.author, c.summary, tuple(sorted(cids)),
                              bool(cids & picked)) for c, cids in touched.values()),
                  key=lambda c: (c.at, c.id), reverse=True)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def matching_kb(session: Session, component_ids: Iterable[str], text: str) -> list[KbMatch]:
    """Articles linked to the components, or with a symptom whose every word is in ``text``.

    All words, not any: "API 503" must not match every text mentioning "API".
    """
    picked = set(component_ids)
    words = _words(text or "")
    links: dict[str, list[str]] = {}
    for aid, cid in session.execute(select(db.KbArticleComponent.article_id,
                                           db.KbArticleComponent.component_id)):
        if cid in picked:
            links.setdefault(aid, []).append(cid)
    out = []
    for article in session.scalars(select(db.KbArticle).order_by(db.KbArticle.id)):
        reasons = [f"linked to {cid}" for cid in sorted(links.get(article.id, []))]
        for symptom in article.symptoms or []:
            needed = _words(symptom)
            if needed and needed <= words:
                reasons.append(f'symptom "{symptom}"')
        if reasons:
            out.append(KbMatch(article.id, article.title, article.solution, article.script,
                               tuple(article.symptoms or []), tuple(reasons)))
    return sorted(out, key=lambda m: (-len(m.reasons), m.id))


class InvestigateMixin:
    def recent_changes(self, component_ids: Iterable[str], hours: float = 24,
                       now: dt.datetime | None = None) -> list[ChangeInfo]:
        now = check_aware(now, "now") or self._now()
        with self._tx() as session:
            return recent_changes(session, component_ids, hours, now)

    def matching_kb(self, component_ids: Iterable[str], text: str = "") -> list[KbMatch]:
        with self._tx() as session:
            return matching_kb(session, component_ids, text)

"""Knowledge base: known problems, their solutions and scripts, and a search over them.

Search is done in Python over all articles: a NOC's knowledge base is
hundreds of articles, not millions, and casefolded matching behaves the same
on SQLite and PostgreSQL (``ILIKE`` and SQLite's ``LIKE`` disagree on
non-ASCII letters).  Every word typed must appear (as the start of a word)
somewhere in the title, symptoms or solution: "pool 503" must not list every
article that mentions "503".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from noc_app.admin.common import (
    replace_component_links,
    check_components, check_id, check_line, check_new_id, check_text, require, writing,
)
from noc_app.storage import models as db
from noc_app.storage.db import transaction

TITLE_MAX = 300
SNIPPET_CHARS = 140
# Where a word is found says how relevant the article is.
_WEIGHTS = {"title": 3, "symptoms": 2, "solution": 1}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    symptoms: tuple[str, ...] = ()
    solution: str = ""
    script: str | None = None
    components: tuple[str, ...] = ()
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class SearchHit:
    article: Article
    score: int
    snippet: str  # one line around the first match, "…" where cut


class KnowledgeBase:
    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def list(self) -> list[Article]:
        with transaction(self.sessions) as session:
            return _articles(session)

    def get(self, article_id: str) -> Article:
        with transaction(self.sessions) as session:
            row = require(session.get(db.KbArticle, article_id), f"article {article_id!r}")
            return _article(row, _links(session).get(row.id, ()))

    def create(self, article: Article) -> Article:
        with writing(self.sessions, f"article {article.id!r}") as session:
            article_id = check_new_id(session, db.KbArticle, article.id, "article")
            values = _validated(session, article)
            session.add(db.KbArticle(id=article_id, **values))
            session.flush()
            replace_component_links(session, db.KbArticleComponent, "article_id", article_id, article.components)
        return self.get(article_id)

    def update(self, article: Article) -> Article:
        article_id = check_id(article.id)
        with writing(self.sessions, f"article {article_id!r}") as session:
            row = require(session.get(db.KbArticle, article_id), f"article {article_id!r}")
            for name, value in _validated(session, article).items():
                setattr(row, name, value)
            replace_component_links(session, db.KbArticleComponent, "article_id", article_id, article.components)
        return self.get(article_id)

    def delete(self, article_id: str) -> None:
        with transaction(self.sessions) as session:
            session.delete(require(session.get(db.KbArticle, article_id), f"article {article_id!r}"))

    def search(self, text: str, component_ids: Iterable[str] = ()) -> list[SearchHit]:
        """Articles containing every word of ``text``, best first.

        ``component_ids`` narrows to articles linked to any of them.  Empty
        text lists every (linked) article, by title.
        """
        words = [w.casefold() for w in _WORD.findall(text or "")]
        wanted = set(component_ids)
        with transaction(self.sessions) as session:
            articles = _articles(session)
        hits = []
        for article in articles:
            if wanted and not wanted & set(article.components):
                continue
            fields = {"title": article.title, "symptoms": "\n".join(article.symptoms),
                      "solution": article.solution}
            score = _score(fields, words)
            if score is not None:
                hits.append(SearchHit(article, score, _snippet(fields, words)))
        return sorted(hits, key=lambda h: (-h.score, h.article.title.casefold(), h.article.id))


def _matcher(word: str) -> re.Pattern:
    # At the start of a word, so "pool" finds "pool" and "pooling" but "ol" finds nothing.
    return re.compile(r"(?<!\w)" + re.escape(word), re.IGNORECASE | re.UNICODE)


def _score(fields: dict[str, str], words: list[str]) -> int | None:
    if not words:
        return 0
    score = 0
    for word in words:
        pattern = _matcher(word)
        found = [_WEIGHTS[name] for name, text in fields.items() if pattern.search(text)]
        if not found:
            return None  # all words, not any
        score += sum(found)
    return score


def _snippet(fields: dict[str, str], words: list[str]) -> str:
    """A single line around the first match, preferring symptoms then solution."""
    for name in ("symptoms", "solution", "title"):
        text = " ".join(fields[name].split())
        for word in words:
            match = _matcher(word).search(text)
            if match:
                start = max(0, match.start() - SNIPPET_CHARS // 3)
                end = min(len(text), start + SNIPPET_CHARS)
                return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    text = " ".join((fields["symptoms"] or fields["solution"]).split())
    return text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")


def _validated(session: Session, article: Article) -> dict:
    title = check_line(article.title, "title", max_len=TITLE_MAX, required=True)
    symptoms = []
    for symptom in article.symptoms:
        symptom = check_line(symptom, "symptoms", max_len=None)
        if symptom.strip():
            symptoms.append(symptom)
    solution = check_text(article.solution, "solution")
    script = check_text(article.script, "script") if article.script else None
    check_components(session, article.components)
    return {"title": title, "symptoms": symptoms, "solution": solution, "script": script}


def _links(session: Session) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for aid, cid in session.execute(select(db.KbArticleComponent.article_id,
                                           db.KbArticleComponent.component_id)
                                    .order_by(db.KbArticleComponent.component_id)):
        out.setdefault(aid, []).append(cid)
    return {k: tuple(v) for k, v in out.items()}


def _articles(session: Session) -> list[Article]:
    links = _links(session)
    return [_article(row, links.get(row.id, ()))
            for row in session.scalars(select(db.KbArticle).order_by(db.KbArticle.id))]


def _article(row: db.KbArticle, components: tuple[str, ...]) -> Article:
    return Article(row.id, row.title, tuple(row.symptoms or ()), row.solution or "", row.script,
                   components, row.updated_at)

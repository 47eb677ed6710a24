"""Build the public page from the database and write every file, caching what did not change.

One read transaction per publish (REPEATABLE READ on PostgreSQL, so the
components, incidents and uptime describe one moment). The page config
comes from the topology file when one was given, else from the database
on every publish (pollers keep it in step with their file).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from noc_app.statuspage.check_facts import CheckFactsCache
from noc_app.statuspage.config import PageConfig, PageConfigCache
from noc_app.statuspage.feeds import FeedWriter
from noc_app.statuspage.files import AtomicDirectory
from noc_app.statuspage.html_pages import HtmlWriter
from noc_app.statuspage.json_v2 import JsonWriter
from noc_app.statuspage.model import PublicPage
from noc_app.statuspage.reader import IncidentCache, read_public_page
from noc_app.statuspage.uptime import UptimeTracker


@dataclass(frozen=True)
class Published:
    page: PublicPage
    written: tuple[str, ...]
    seconds: float
    cpu_seconds: float = 0.0  # this process's CPU time: what the build costs on a busy machine
    started: float = 0.0  # time.monotonic() when the publish began (the watch's rate limit counts from it)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class StatusPagePublisher:
    def __init__(self, sessions: sessionmaker[Session], out: Path, page: PageConfig | None = None,
                 clock: Callable[[], dt.datetime] = _utcnow, uptime_days: int = 90):
        self.sessions = sessions
        self.out = AtomicDirectory(Path(out))
        self.page = page
        self.clock = clock
        self.uptime = UptimeTracker(uptime_days)
        self.incidents = IncidentCache()
        self._config = PageConfigCache()
        self._facts = CheckFactsCache()
        self._json = JsonWriter()
        self._html = HtmlWriter()
        self._feeds = FeedWriter()

    def read(self) -> PublicPage:
        now = self.clock()
        with self.sessions() as session, session.begin():
            if session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            config = self.page or self._config.read(session)
            facts = self._facts.read(session, now)
            uptime = self.uptime.compute(session, config, now, facts)
            return read_public_page(session, config, now, uptime, self.incidents, facts)

    def publish(self) -> Published:
        began, started, cpu = time.monotonic(), time.perf_counter(), time.process_time()
        page = self.read()
        html = self._html.documents(page)
        files = {k: v for k, v in html.items() if k.startswith("incidents/")}
        files |= self._json.documents(page)
        files |= self._feeds.documents(page)
        files |= {k: v for k, v in html.items() if not k.startswith("incidents/")}  # index.html last
        written = self.out.write(files)
        written += self.out.prune("incidents", set(files))
        return Published(page, tuple(written), time.perf_counter() - started, time.process_time() - cpu,
                         began)

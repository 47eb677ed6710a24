"""Everything a review window shows, loaded before it opens (so the window does no I/O).

``load_review(bundle)`` reads a verified bundle in full: the incident, its
timeline, the replay engine and the samples. ``review_live_incident`` is how a
workstation reviews an incident of its live database: the incident is bundled
to a temporary file and that file is reviewed — the same path as an offline
review, so what a reviewer sees never depends on where the incident came from,
and the live database is read once, in one transaction, by a worker.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from noc_app.review.figures import bundle_metrics
from noc_app.review.reader import Bundle, Samples, open_bundle, parse_time
from noc_app.review.replay import Replay, replay_of


@dataclass
class ReviewMaterial:
    bundle: Bundle
    replay: Replay
    samples: dict[str, Samples]
    temporary: Path | None = None  # folder of a bundle written for a live review; removed on close
    extras: dict = field(default_factory=dict)

    @property
    def incident(self) -> dict:
        return self.bundle.incident

    @property
    def impact_started(self) -> dt.datetime:
        return parse_time(self.incident.get("bundle_impact_started_at")) or self.bundle.window_start

    def close(self) -> None:
        self.bundle.close()
        if self.temporary is not None:
            shutil.rmtree(self.temporary, ignore_errors=True)
            self.temporary = None


def load_review(bundle: Bundle) -> ReviewMaterial:
    bundle.incident, bundle.timeline, bundle.topology  # noqa: B018 - read them now, not on the GUI thread
    samples = {key: s for key in bundle.sampled_checks() if (s := bundle.samples(key)) is not None}
    return ReviewMaterial(bundle, replay_of(bundle), samples, extras={"metrics": bundle_metrics(bundle)})


def review_live_incident(sessions, incident_id: int) -> ReviewMaterial:
    """``sessions``: the live database's SQLAlchemy session factory."""
    from noc_app.review.writer import write_bundle  # the writer needs SQLAlchemy; a bundle review does not

    folder = Path(tempfile.mkdtemp(prefix="vigil-review-"))
    try:
        info = write_bundle(sessions, incident_id, folder / f"incident-{incident_id}.noc-bundle")
        material = load_review(open_bundle(info.path))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    material.temporary = folder
    return material

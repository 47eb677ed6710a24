"""Offline review of an incident (Qt-free): the bundle file, its reader, and time-travel replay.

* ``write_bundle(sessions, incident_id, out)`` copies one incident and everything
  needed to replay it out of the live database (SQLite or PostgreSQL) into one
  SQLite file with a manifest (``noc_app.review.format``);
* ``open_bundle(path)`` opens such a file read-only and immutable, and refuses a
  truncated, corrupted, tampered or too-new one with one clear line;
* ``Replay`` rebuilds the state of every component and customer at any moment
  from the recorded check transitions (``noc_app.review.replay``).
"""

from noc_app.review.format import FORMAT_VERSION, BundleError

__all__ = ["FORMAT_VERSION", "Bundle", "BundleError", "BundleInfo", "Replay", "ReplayState",
           "UnknownIncidentError", "open_bundle", "write_bundle"]


def __getattr__(name: str):
    # Lazy: reviewing a bundle must not pay for importing SQLAlchemy and the models (the writer's).
    if name in ("Bundle", "open_bundle"):
        from noc_app.review import reader as module
    elif name in ("Replay", "ReplayState"):
        from noc_app.review import replay as module
    elif name in ("BundleInfo", "UnknownIncidentError", "write_bundle"):
        from noc_app.review import writer as module
    else:
        raise AttributeError(name)
    return getattr(module, name)

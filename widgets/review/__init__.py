"""The read-only review window: an incident's timeline, metrics and time-travel replay.

``ReviewWindow(material)`` shows a loaded bundle (``noc_app.review.material``);
the component wall, dependency map and customer-impact view are the live
views themselves, fed from a ``StatusBoard`` the replay fills for the moment
under the cursor. Nothing in it edits anything.
"""

from widgets.review.window import ReviewWindow

__all__ = ["ReviewWindow"]

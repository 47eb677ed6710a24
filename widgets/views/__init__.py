"""Dashboard views (issue 5): customer impact, dependency map, alerts.

Each view is a ``QWidget`` taking ``(store: BoardStore, parent=None)``; it
reads ``store.board`` and listens to the store's signals, never doing I/O.
Imports are lazy so importing one view does not pull in the others.
"""

from __future__ import annotations

__all__ = ["Alert", "AlertBanner", "AlertNotifier", "AlertsModel", "AlertsView",
           "CustomerImpactView", "DependencyMapView", "ImpactedCustomersModel"]


def __getattr__(name: str):
    if name == "CustomerImpactView" or name == "ImpactedCustomersModel":
        from widgets.views import customer_impact as module
    elif name == "DependencyMapView":
        from widgets.views import dependency_map as module
    elif name in ("Alert", "AlertsModel", "AlertsView"):
        from widgets.views import alerts as module
    elif name in ("AlertBanner", "AlertNotifier"):
        from widgets.views import alert_notifier as module
    else:
        raise AttributeError(name)
    return getattr(module, name)

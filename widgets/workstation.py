"""Assemble the workstation: the main window with every view in its place."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QSettings

from widgets.board_store import BoardStore
from widgets.component_list import ComponentListView
from widgets.main_window import MainWindow
from widgets.views import AlertBanner, AlertNotifier, AlertsView, CustomerImpactView, DependencyMapView


def build_workstation(store: BoardStore, title: str, settings: QSettings | None = None) -> MainWindow:
    window = MainWindow(store, title=title, settings=settings)
    window.add_view("components", "Components", ComponentListView(store))
    window.add_view("impact", "Customer impact", CustomerImpactView(store))
    window.add_view("map", "Dependency map", DependencyMapView(store))
    alerts = AlertsView(store, user=_user())
    window.add_view("alerts", "Alerts", alerts)
    banner = AlertBanner()
    window.top_area.addWidget(banner)
    banner.clicked.connect(lambda: window.show_view("alerts"))
    # The notifier must live as long as the window: parent it there.
    window.notifier = AlertNotifier(alerts.model, banner, parent=window)
    window.restore_layout()
    return window


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"

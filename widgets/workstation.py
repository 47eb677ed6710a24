"""Assemble the workstation: the main window with every view in its place."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QSettings, Qt
from sqlalchemy.orm import Session, sessionmaker

from widgets.board_store import BoardStore
from widgets.component_list import ComponentListView
from widgets.main_window import MainWindow
from widgets.views import AlertBanner, AlertNotifier, AlertsView, CustomerImpactView, DependencyMapView
from widgets.views.component_detail import ComponentDetailView


def build_workstation(store: BoardStore, sessions: sessionmaker[Session], title: str,
                      settings: QSettings | None = None) -> MainWindow:
    window = MainWindow(store, title=title, settings=settings)
    components = ComponentListView(store)
    window.add_view("components", "Components", components)
    window.add_view("impact", "Customer impact", CustomerImpactView(store))
    window.add_view("map", "Dependency map", DependencyMapView(store))
    alerts = AlertsView(store, user=_user())
    window.add_view("alerts", "Alerts", alerts)
    banner = AlertBanner()
    window.top_area.addWidget(banner)
    banner.clicked.connect(lambda: window.show_view("alerts"))
    # The notifier must live as long as the window: parent it there.
    window.notifier = AlertNotifier(alerts.model, banner, parent=window)
    # Detail (charts from the database) in a dock: opened from the component list.
    detail = ComponentDetailView(sessions)
    dock = window.add_dock("detail", "Component detail", detail, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.hide()  # until a component is opened (or the saved layout shows it)

    def open_detail(component_id: str) -> None:
        dock.show()
        dock.raise_()
        detail.show_component(component_id)

    components.componentActivated.connect(open_detail)
    window.closing.connect(detail.close_loader)
    window.restore_layout()
    return window


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"

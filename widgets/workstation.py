"""Assemble the workstation: the main window with every view in its place."""

from __future__ import annotations

import getpass
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from noc_app.incidents import ChannelConfig, IncidentService, Outbox
from noc_app.paths import data_dir
from widgets.admin import ManageDialog
from widgets.board_store import BoardStore
from widgets.component_list import ComponentListView
from widgets.main_window import MainWindow
from widgets.views import AlertBanner, AlertNotifier, AlertsView, CustomerImpactView, DependencyMapView
from widgets.views.alert_acks import AlertAckSharer
from widgets.incidents import IncidentDialog, IncidentsBoard, IncidentWorker, recover_drafts
from widgets.postmortem.closed_panel import ClosedIncidentsPanel
from widgets.review.launch import LiveReviews
from widgets.views.component_detail import ComponentDetailView


def build_workstation(store: BoardStore, sessions: sessionmaker[Session], title: str,
                      settings: QSettings | None = None, channels: ChannelConfig | None = None) -> MainWindow:
    window = MainWindow(store, title=title, settings=settings)
    components = ComponentListView(store)
    window.add_view("components", "Components", components)
    window.add_view("impact", "Customer impact", CustomerImpactView(store))
    window.add_view("map", "Dependency map", DependencyMapView(store))
    alerts = AlertsView(store, user=_user())
    window.add_view("alerts", "Alerts", alerts)
    incidents = IncidentDesk(window, IncidentService(sessions, author=_user(), channels=channels))
    window.add_view("incidents", "Incidents", incidents.view)
    alerts.openIncident.connect(lambda alert: incidents.open(alert=alert))
    components.incidentRequested.connect(lambda cid: incidents.open(component_ids=[cid]))
    banner = AlertBanner()
    window.top_area.addWidget(banner)
    banner.clicked.connect(lambda: window.show_view("alerts"))
    # The notifier must live as long as the window: parent it there.
    window.notifier = AlertNotifier(alerts.model, banner, parent=window)
    # Acks go to the database, so every desktop and the wall stop alarming for
    # them and they outlive a restart; acks made elsewhere come back through
    # the database feed (shared mode) or this start-up load (embedded).
    window.acks = AlertAckSharer(alerts.model, sessions, parent=window)
    window.acks.problem.connect(_ack_problem_line(window))
    window.acks.load()
    # Detail (charts from the database) in a dock: opened from the component list.
    detail = ComponentDetailView(sessions)
    dock = window.add_dock("detail", "Component detail", detail, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.hide()  # until a component is opened (or the saved layout shows it)

    def open_detail(component_id: str) -> None:
        dock.show()
        dock.raise_()
        detail.show_component(component_id)

    components.componentActivated.connect(open_detail)
    new_incident = QAction("New incident (a customer called)", window, shortcut=QKeySequence("Ctrl+N"))
    new_incident.triggered.connect(lambda: incidents.open())
    window.addAction(new_incident)
    window.incidents = incidents
    manage = QAction("Manage changes, KB, maintenance, people, templates…", window,
                     shortcut=QKeySequence("Ctrl+M"))
    manage.triggered.connect(lambda: _open_manage(window, sessions))
    window.addAction(manage)
    window.closing.connect(detail.close_loader)
    window.closing.connect(window.acks.shutdown)
    window.restore_layout()
    return window


def _open_manage(window: MainWindow, sessions: sessionmaker[Session]) -> ManageDialog:
    """One management window, reused (it keeps any half-typed form)."""
    dialog = getattr(window, "manage_dialog", None)
    if dialog is None:
        dialog = window.manage_dialog = ManageDialog(sessions, window)
    else:
        dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


class IncidentDesk:
    """The incidents board plus the open incident dialogs (one per incident, several at once)."""

    def __init__(self, window: MainWindow, service: IncidentService):
        self.window = window
        self.worker = IncidentWorker(service, Outbox(data_dir() / "outbox"), parent=window)
        self.board = IncidentsBoard(self.worker)
        # Closed incidents and their how-soon figures under the open ones (the wall shows only the board).
        self.closed = ClosedIncidentsPanel(self.worker)
        self.view = QSplitter(Qt.Orientation.Vertical)
        self.view.addWidget(self.board)
        self.dialogs: dict[int, IncidentDialog] = {}
        self.board.openIncident.connect(lambda incident_id: self.open(incident_id))
        self.closed.openIncident.connect(lambda incident_id: self.open(incident_id))
        self.board.updateDue.connect(
            lambda incident_id: window.show_problem(f"Customer update due now for incident #{incident_id}"))
        self.reviews = LiveReviews(self.worker, window, window.show_problem)
        # The board's own Review button stays hidden here: one button serves both tables.
        self.view.addWidget(_with_review_button(self.closed, self))
        self.view.setStretchFactor(0, 3)
        self.view.setStretchFactor(1, 2)

    def open(self, incident_id: int | None = None, **kwargs) -> IncidentDialog:
        dialog = self.dialogs.get(incident_id) if incident_id is not None else None
        if dialog is None:
            dialog = IncidentDialog(self.worker, incident_id, parent=self.window, **kwargs)
            if incident_id is not None:
                self.dialogs[incident_id] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def offer_recovery(self) -> None:
        """After start-up: unsent drafts from a crash or a closed laptop."""
        self.recovery = recover_drafts(self.window, self.worker)


def _with_review_button(closed, desk: IncidentDesk) -> QWidget:
    """The closed incidents with the view's one "Review…" button under them."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(closed, 1)
    desk.review_action = ReviewSelected(desk.board, closed, desk.reviews.review)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(desk.review_action.button)
    layout.addLayout(row)
    return box


class ReviewSelected:
    """One "Review #N…" button for the open board and the closed list together.

    Two buttons, each bound to its own table's selection, left an operator
    guessing which incident a click replays.  The two tables share one
    selection instead (choosing a row in one clears the other) and the button
    names the incident it will open.
    """

    def __init__(self, board, closed, review: Callable[[int], None]):
        self.board, self.closed, self._review = board, closed, review
        self.button = QPushButton("Review…", objectName="reviewSelected")
        self.button.setToolTip("Replay the selected incident read-only: timeline, metrics and the wall, "
                               "map and impact as they were at any moment")
        self.button.clicked.connect(self.review)
        board.view.selectionModel().selectionChanged.connect(lambda *_: self._chosen(board, closed.table))
        closed.table.selectionModel().selectionChanged.connect(lambda *_: self._chosen(closed, board.view))
        self._show()

    def selected_id(self) -> int | None:
        board_pick = self.board.selected_id()
        return board_pick if board_pick is not None else self.closed.selected_id()

    def review(self) -> None:
        incident_id = self.selected_id()
        if incident_id is not None:
            self._review(incident_id)

    def _chosen(self, picked, other_table) -> None:
        if picked.selected_id() is not None:
            other_table.selectionModel().clearSelection()
        self._show()

    def _show(self) -> None:
        incident_id = self.selected_id()
        self.button.setEnabled(incident_id is not None)
        self.button.setText(f"Review #{incident_id}…" if incident_id is not None else "Review…")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def _ack_problem_line(window):
    """Ack trouble on the problem line; its "all clear" ("") must not wipe another source's line."""
    shown = [""]

    def show(message: str) -> None:
        if message:
            shown[0] = message
            window.show_problem(message)
        else:
            window.clear_problem(shown[0])

    return show

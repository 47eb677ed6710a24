"""Alerts: confirmed DOWN/DEGRADED transitions and recoveries, newest first, with acknowledge.

Dependency awareness marks symptoms ("symptom of Primary database") instead
of hiding them, and only ever holds back the *desktop notification* of a
symptom — the row is always listed, and a recovery is always listed and
announced.  A flapping check does not flood: its transitions fold into one
row that counts them and shows the latest state.

Acknowledgements are shared: an ack made here is written to the database
(``widgets/views/alert_acks.py``), and acks made elsewhere arrive through
``BoardStore.alertsAcked`` and mark the matching row, named by its check and
the ``at`` of the transition that opened it (``Alert.problem_at``).
"""

from __future__ import annotations

import datetime as dt
import getpass
import itertools
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from noc_app.domain import Status
from noc_app.live import CheckView
from widgets.flat_table import FlatTableModel
from widgets.board_store import BoardStore
from widgets.theme import look
from widgets.theme import dark_palette

COLUMNS = ("Time", "State", "Component", "Check", "What happened", "Acknowledged")
TIME, STATE, COMPONENT, CHECK, WHAT, ACK = range(len(COLUMNS))
MAX_ROWS = 1000  # oldest rows leave first: the list is a console, not the record
MAX_KNOWN_ACKS = 5000  # acks remembered for rows that may still arrive (oldest forgotten first)
ALERT_ROLE = Qt.ItemDataRole.UserRole
GREY = QColor("#7d8591")


@dataclass(frozen=True)
class Alert:
    id: int
    at: dt.datetime  # of the latest transition folded into this row
    component_id: str
    component_name: str
    check_key: str
    check_label: str
    status: Status  # latest confirmed status
    recovered: bool  # a return to OK after a problem
    reason: str
    flaps: int = 0  # transitions folded in while flapping (0: not flapping)
    probable_cause: bool = False
    symptom_of: tuple[str, ...] = ()  # names of the probable causes behind it
    acked_by: str | None = None
    acked_at: dt.datetime | None = None
    # The ``at`` of the transition that opened this row: its name on every
    # workstation (shared acks); ``at`` moves when flaps fold in, this does not.
    problem_at: dt.datetime | None = None

    @property
    def problem(self) -> tuple[str, dt.datetime]:
        return self.check_key, self.problem_at or self.at

    @property
    def is_problem(self) -> bool:
        return not self.recovered

    def state_text(self) -> str:
        if self.recovered:
            return f"{look(Status.OK).symbol} RECOVERED"
        text = f"{look(self.status).symbol} {look(self.status).word}"
        return f"⇄ FLAPPING ×{self.flaps}, now {text}" if self.flaps else text

    def what_text(self) -> str:
        if self.probable_cause:
            prefix = "PROBABLE CAUSE"
        elif self.symptom_of:
            prefix = "symptom of " + ", ".join(self.symptom_of)
        else:
            prefix = ""
        return " — ".join(p for p in (prefix, self.reason) if p)

    def summary(self) -> str:
        """One line for a notification or the banner."""
        return f"{self.state_text()}  {self.component_name}" + (f" — {self.what_text()}" if self.what_text() else "")


class AlertsModel(FlatTableModel):
    """Alert rows, newest first; fed by ``BoardStore.checkTransition``."""

    COLUMNS = COLUMNS

    def row_count(self) -> int:
        return len(self._rows)

    alertRaised = Signal(object)  # Alert: a new problem, a recovery, or a flap folded in
    acknowledged = Signal(object)  # Alert, after acknowledgement here (to be shared)
    ackedElsewhere = Signal(object)  # list[Alert] marked by acks read from the database

    def __init__(self, store: BoardStore, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        topology = store.board.topology
        self._names = {c.id: c.name for c in topology.components}
        self._deps = {c.id: tuple(c.depends_on) for c in topology.components}
        self._checks = {ch.key: _check_label(ch) for c in topology.components for ch in c.checks}
        self._rows: list[Alert] = []
        self._ids = itertools.count(1)
        self._failing_checks: set[str] = set()  # problem alerted, no recovery yet
        # Acks known by problem, including those whose row has not arrived yet
        # (an ack can be read before its transition, or survive a restart).
        self._acks: dict[tuple[str, dt.datetime], object] = {}
        store.checkTransition.connect(self.on_transition)
        store.alertsAcked.connect(self.apply_acks)
        store.componentsChanged.connect(self._recheck_symptoms)

    # --- feeding ------------------------------------------------------------
    def on_transition(self, view: CheckView) -> None:
        if view.status.is_failing:
            self._failing_checks.add(view.check_key)
            recovered = False
        elif view.status == Status.OK and view.check_key in self._failing_checks:
            self._failing_checks.discard(view.check_key)
            recovered = True
        else:
            return  # UNKNOWN at start-up, first OK, maintenance: nothing to alert about
        cause, symptom_of = self._dependency_marks(view.component_id)
        alert = Alert(
            id=0, at=view.at, component_id=view.component_id,
            component_name=self._names.get(view.component_id, view.component_id),
            check_key=view.check_key, check_label=self._checks.get(view.check_key, view.check_key),
            status=view.status, recovered=recovered, reason=view.error or "",
            probable_cause=cause and not recovered, symptom_of=() if recovered else symptom_of,
            problem_at=view.at)
        if view.flapping and self._fold_flap(alert):
            return
        alert = replace(alert, id=next(self._ids), flaps=1 if view.flapping else 0)
        known = self._acks.get(alert.problem)
        if known is not None:  # acknowledged elsewhere before this row reached us
            alert = replace(alert, acked_by=known.acked_by, acked_at=known.acked_at)
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, alert)
        self.endInsertRows()
        if len(self._rows) > MAX_ROWS:
            self.beginRemoveRows(QModelIndex(), MAX_ROWS, len(self._rows) - 1)
            del self._rows[MAX_ROWS:]
            self.endRemoveRows()
        self.alertRaised.emit(alert)

    def _fold_flap(self, alert: Alert) -> bool:
        """Fold a flapping transition into the check's open flapping row, moved to the top."""
        row = next((i for i, a in enumerate(self._rows)
                    if a.check_key == alert.check_key and a.flaps and a.acked_by is None), None)
        if row is None:
            return False
        old = self._rows[row]
        folded = replace(alert, id=old.id, flaps=old.flaps + 1, recovered=False,
                         reason=alert.reason or old.reason, problem_at=old.problem_at)
        if row != 0:
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), 0)
            self._rows.insert(0, self._rows.pop(row))
            self.endMoveRows()
        self._rows[0] = folded
        self.dataChanged.emit(self.index(0, 0), self.index(0, len(COLUMNS) - 1))
        self.alertRaised.emit(folded)
        return True

    def _dependency_marks(self, component_id: str) -> tuple[bool, tuple[str, ...]]:
        result = self.store.board.result
        if component_id not in self._deps or not result.own_status(component_id).is_failing:
            return False, ()
        if result.is_probable_cause(component_id):
            return True, ()
        causes = set(result.probable_causes)
        seen, stack, found = set(), list(self._deps[component_id]), []
        while stack:
            dep = stack.pop()
            if dep not in seen:
                seen.add(dep)
                if dep in causes:
                    found.append(self._names.get(dep, dep))
                stack.extend(self._deps.get(dep, ()))
        return False, tuple(sorted(found))

    def _recheck_symptoms(self, _changed=None) -> None:
        """A cause confirmed after its symptoms (or cleared) re-labels the open rows."""
        for row, alert in enumerate(self._rows):
            if alert.recovered or alert.check_key not in self._failing_checks:
                continue
            cause, symptom_of = self._dependency_marks(alert.component_id)
            if (cause, symptom_of) != (alert.probable_cause, alert.symptom_of):
                self._rows[row] = replace(alert, probable_cause=cause, symptom_of=symptom_of)
                self.dataChanged.emit(self.index(row, WHAT), self.index(row, WHAT))

    # --- acknowledging ------------------------------------------------------
    def acknowledge(self, index: QModelIndex, user: str) -> Alert | None:
        if not index.isValid():
            return None
        alert = self._rows[index.row()]
        if alert.acked_by is not None:
            return None
        alert = replace(alert, acked_by=user, acked_at=dt.datetime.now(dt.timezone.utc))
        self._rows[index.row()] = alert
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(COLUMNS) - 1))
        self.acknowledged.emit(alert)
        return alert

    def apply_acks(self, acks) -> list[Alert]:
        """Mark rows acknowledged by acks read from the database (``AckView``s); idempotent.

        The database is the truth: when two operators acknowledged at once,
        the row shows whoever was first, here too.
        """
        fresh = {}
        for ack in acks:
            if self._acks.get(ack.problem) != ack:
                self._acks[ack.problem] = fresh[ack.problem] = ack
        while len(self._acks) > MAX_KNOWN_ACKS:
            del self._acks[next(iter(self._acks))]
        marked = []
        if fresh:
            for row, alert in enumerate(self._rows):
                ack = fresh.get(alert.problem)
                if ack is None or (alert.acked_by, alert.acked_at) == (ack.acked_by, ack.acked_at):
                    continue
                alert = self._rows[row] = replace(alert, acked_by=ack.acked_by, acked_at=ack.acked_at)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                marked.append(alert)
        if marked:
            self.ackedElsewhere.emit(marked)
        return marked

    def alert(self, row: int) -> Alert:
        return self._rows[row]

    def unacknowledged_problems(self, still_failing: bool = False) -> list[Alert]:
        """Problem rows nobody acknowledged; ``still_failing`` drops those whose check recovered."""
        return [a for a in self._rows if a.is_problem and a.acked_by is None
                and (not still_failing or a.check_key in self._failing_checks)]

    # --- Qt model API -------------------------------------------------------



    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a, column = self._rows[index.row()], index.column()
        acked = a.acked_by is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, column)
        if role == ALERT_ROLE:
            return a
        if role == Qt.ItemDataRole.ForegroundRole:
            if acked:
                return GREY  # handled: still readable, no longer asking for attention
            if column == STATE:
                return QColor(look(Status.OK if a.recovered else a.status).text_colour)
        if role == Qt.ItemDataRole.BackgroundRole and column == STATE and not acked:
            return QColor(look(Status.OK if a.recovered else a.status).colour)
        if role == Qt.ItemDataRole.FontRole and column in (STATE, COMPONENT):
            font = QFont()
            font.setBold(not acked)
            font.setItalic(acked)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{a.check_key}\n{a.summary()}"
        return None

    @staticmethod
    def _display(a: Alert, column: int) -> str:
        if column == TIME:
            return a.at.astimezone().strftime("%H:%M:%S")
        if column == STATE:
            return a.state_text()
        if column == COMPONENT:
            return a.component_name
        if column == CHECK:
            return a.check_label
        if column == WHAT:
            return a.what_text()
        if a.acked_by is not None:
            return f"ACK by {a.acked_by}"
        return "" if a.recovered else "NEW — press A"


class AlertsView(QWidget):
    """The alert list with an Acknowledge button; select rows and press A to acknowledge."""

    acknowledged = Signal(object)  # Alert
    openIncident = Signal(object)  # Alert the operator wants an incident for

    def __init__(self, store: BoardStore, parent: QWidget | None = None, user: str | None = None):
        super().__init__(parent)
        self.user = user or _current_user()
        self.model = AlertsModel(store, self)
        self.model.acknowledged.connect(self.acknowledged)
        self.setAutoFillBackground(True)
        self.setPalette(dark_palette(self.palette()))

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(40)  # the list only grows: measure the newest rows only

        self.ack_button = QPushButton("Acknowledge (A)")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.incident_button = QPushButton("Open incident (I)")
        self.incident_button.clicked.connect(self.open_incident_for_selected)
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        bar.addWidget(self.incident_button)
        bar.addWidget(self.ack_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        shortcut = QShortcut(QKeySequence(Qt.Key.Key_A), self.table)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.acknowledge_selected)
        incident_key = QShortcut(QKeySequence(Qt.Key.Key_I), self.table)
        incident_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        incident_key.activated.connect(self.open_incident_for_selected)
        for signal in (self.model.rowsInserted, self.model.dataChanged, self.model.rowsRemoved):
            signal.connect(self._update_count)
        self._update_count()

    def acknowledge_selected(self) -> list[Alert]:
        done = []
        for index in self.table.selectionModel().selectedRows():
            alert = self.model.acknowledge(index, self.user)
            if alert is not None:
                done.append(alert)
        return done

    def open_incident_for_selected(self) -> Alert | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        alert = self.model.alert(rows[0].row())
        self.openIncident.emit(alert)
        return alert

    def _update_count(self, *_args) -> None:
        open_ = len(self.model.unacknowledged_problems())
        self.count.setText(f"{open_} unacknowledged" if open_ else "all alerts acknowledged")


def _check_label(check) -> str:
    """A check as an operator names it: kind and endpoint path, not its internal key."""
    if check.url:
        parts = urlsplit(check.url)
        return f"{check.kind.value.upper()} {parts.path or '/'}"
    return f"{check.kind.value.upper()} {check.host}:{check.port}"


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): still acknowledgeable
        return "operator"

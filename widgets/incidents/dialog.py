"""The incident dialog: one window per incident, the practice's stages as tabs, the timeline beside them.

Saving is optimistic and explicit about other operators:

* ``base`` holds each header field as this dialog last knew it stored; a
  field is *dirty* when its input differs from its base.  Only dirty fields
  are sent, with the version they were edited from.
* The 2-second refresh loads fields the operator has not touched; for a
  touched field that someone else changed meanwhile it keeps the operator's
  text and holds back the version, so the save meets a ``ConflictError``
  and the conflict dialog shows both texts and a merge.  Nothing is
  overwritten or dropped silently.
* The draft (every input, the bases and the version) is autosaved a moment
  after each edit and on close; it is deleted once nothing is left unsaved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QSplitter, QTabWidget, QVBoxLayout,
                               QWidget)

from noc_app.incidents import DraftStore, IncidentChange, IncidentSnapshot, Prefill, priority_for
from noc_app.postmortem.record import POSTMORTEM_FIELDS
from widgets.assets import stylesheet
from widgets.incidents import readers
from widgets.incidents.conflict import ConflictDialog, FieldChoice
from widgets.incidents.fields import FieldSet, seconds
from widgets.incidents.style import (PRIORITY_COLOURS, PRIORITY_TEXT, elapsed,
                                     priority_word, update_state)
from widgets.incidents.timeline import TimelineView
from widgets.incidents.worker import IncidentWorker, OpDone, OpFailed, OpQueued, worker_for
from widgets.postmortem.dialog_parts import PostmortemParts, load_metrics

HEADER_FIELDS = ("title", "detection_means", "manifestation", "detected_at", "first_recorded_at",
                 "impact", "urgency", "priority", "priority_override_reason", "incident_manager_id",
                 "restore_path", "restore_summary", "root_cause", "postmortem_owner_id",
                 "postmortem_due_at", *POSTMORTEM_FIELDS)
#: Service keyword for a header field, where the names differ.
KWARG = {"priority_override_reason": "override_reason", "incident_manager_id": "person_id",
         "restore_path": "path", "restore_summary": "summary"}
AUTOSAVE_MS = 800
REFRESH_MS = 2000
UTC = dt.timezone.utc


def header_values(snap: IncidentSnapshot) -> dict[str, Any]:
    """The snapshot as the inputs show it (``priority`` is the override: None when it is the matrix)."""
    matrix = priority_for(snap.impact, snap.urgency) if snap.impact and snap.urgency else None
    values = {name: getattr(snap, name) for name in HEADER_FIELDS}
    values["priority"] = None if snap.priority in (None, matrix) else snap.priority
    values["priority_override_reason"] = snap.priority_override_reason or ""
    return {k: seconds(v) for k, v in values.items()}


@dataclass
class Pending:
    name: str
    kwargs: dict
    buttons: tuple
    on_done: Callable[[Any], None] | None
    sent: dict = field(default_factory=dict)  # header field -> value, for versioned saves
    versioned: bool = False
    queued: bool = False  # waiting in the outbox


class IncidentDialog(QDialog):
    def __init__(self, source, incident_id: int | None = None, prefill: Prefill | None = None,
                 parent: QWidget | None = None, *, component_ids=None, alert=None,
                 drafts: DraftStore | None = None, draft=None):
        super().__init__(parent)
        from widgets.incidents.record_classify_people import ClassifySection, PeopleSection, RecordSection
        from widgets.incidents.notify_escalate import EscalateSection, NotifySection
        from widgets.incidents.investigate_restore_close import CloseSection, InvestigateSection, RestoreSection
        from widgets.incidents.declare_panel import DeclarePanel
        self.setModal(False)
        self.setStyleSheet(stylesheet("incident-dialog"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.worker: IncidentWorker = worker_for(source)
        self.service = self.worker.service
        self.drafts = drafts or default_drafts()
        self.incident_id = incident_id
        self.prefill = prefill
        self.version: int | None = None
        self.base: dict[str, Any] = {}
        self.stored: dict[str, Any] = {}  # the header as last read from the database
        self.snapshot: IncidentSnapshot | None = None
        self.timeline_entries: list = []
        self.contested: set[str] = set()
        self.directory: readers.Directory | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self._pending: dict[int, Pending] = {}
        self._refreshing = False
        self._unsaved_queue = 0  # writes waiting in the outbox: keep the draft until they land
        self.draft_key = f"incident-{incident_id}" if incident_id is not None else f"new-{uuid.uuid4().hex[:12]}"
        self.fields = FieldSet(self)

        # -- layout: header, tabs | timeline, one status line --------------------------------
        self.heading = QLabel(objectName="heading")
        self.badge = QLabel(objectName="priorityBadge")
        self.countdown = QLabel(objectName="countdown")
        self.elapsed = QLabel(objectName="hint")
        self.db_state = QLabel(objectName="hint")
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addWidget(self.heading, 1)
        top.addWidget(self.elapsed)
        top.addWidget(self.countdown)
        self.tabs = QTabWidget()
        self.sections = [RecordSection(self), ClassifySection(self), PeopleSection(self),
                         NotifySection(self), EscalateSection(self), InvestigateSection(self),
                         RestoreSection(self), CloseSection(self)]
        for section in self.sections:
            self.tabs.addTab(section, section.TITLE)
        self.record, self.classify, self.people, self.notify, self.escalate, self.investigate, \
            self.restore, self.close_section = self.sections
        self.timeline = TimelineView()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(self.timeline)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.status_line = QLabel(objectName="ok")
        self.status_line.setWordWrap(False)
        self.status_line.hide()
        self.declare_panel = DeclarePanel(self)
        self.declare_panel.hide()  # only for a new incident the engine can propose for
        self.postmortem = PostmortemParts(self)
        top.addWidget(self.postmortem.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.declare_panel)
        layout.addWidget(self.postmortem.strip)
        layout.addWidget(split, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_line, 1)
        bottom.addWidget(self.db_state)
        layout.addLayout(bottom)
        self.resize(1500, 900)

        # -- wiring ----------------------------------------------------------------------------
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.queued.connect(self._on_queued)
        self.worker.flushed.connect(self._on_flushed)
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS, timeout=self.save_draft)
        self.fields.edited.connect(lambda _name: self._autosave.start())
        self.fields.edited.connect(lambda _name: self._update_header())
        self._refresh_timer = QTimer(self, interval=REFRESH_MS, timeout=self.refresh)
        self._tick = QTimer(self, interval=1000, timeout=self._update_header)
        self._tick.timeout.connect(lambda: self.notify.status_page.tick())  # the last message's age
        self._refresh_timer.start()
        self._tick.start()

        self.read("directory", readers.directory, self._got_directory)
        if draft is None and incident_id is not None:
            draft = self.drafts.load(self.draft_key)
        if draft is not None:
            self._apply_draft(draft)
        if incident_id is None and prefill is None and (alert is not None or component_ids is not None):
            ids = [alert.component_id] if alert is not None else list(component_ids)
            self._load_prefill(ids, alert)
        elif prefill is not None:
            self.record.show_prefill(prefill)
        self._update_enabled()
        self._update_header()
        self.refresh()

    # -- running operations -------------------------------------------------------------------
    def run(self, name: str, buttons=(), on_done=None, *, sent=None, versioned=False, **kwargs) -> int:
        for b in buttons:
            b.setEnabled(False)
        ticket = self.worker.call(name, **kwargs)
        self._pending[ticket] = Pending(name, kwargs, tuple(buttons), on_done, dict(sent or {}), versioned)
        return ticket

    def read(self, name: str, task, on_done, buttons=()) -> int:
        for b in buttons:
            b.setEnabled(False)
        ticket = self.worker.submit(name, task)
        self._pending[ticket] = Pending(name, {}, tuple(buttons), on_done)
        return ticket

    def save(self, op: str, names, buttons, *, extra=None, on_done=None) -> int | None:
        """A versioned header save: the ``names`` fields (already chosen) plus ``extra`` keywords."""
        if self.incident_id is None:
            self.say("Open the incident first (Record tab).", "error")
            return None
        contested = [n for n in names if n in self.contested]
        if contested:
            # We already know someone else changed these: resolve before the server refuses.
            return self._resolve([FieldChoice(n, self.base.get(n), self.stored.get(n), self.fields.value(n))
                                  for n in contested], op, list(names), buttons, extra, on_done,
                                 self.snapshot.version)
        sent = {n: self.fields.value(n) for n in names}
        kwargs = {KWARG.get(n, n): v for n, v in sent.items()} | dict(extra or {})
        return self.run(op, buttons, on_done, sent=sent, versioned=True, incident_id=self.incident_id,
                        expected_version=self.version, **kwargs)

    def dirty(self, names=HEADER_FIELDS) -> list[str]:
        return [n for n in names if n in self.base and seconds(self.fields.value(n)) != self.base[n]]

    def _on_finished(self, done: OpDone) -> None:
        p = self._pending.pop(done.ticket, None)
        if p is None:
            return
        self._enable(p.buttons)
        if p.name in ("open_incident", "declare"):
            self._opened(done.result)
        elif p.versioned:
            self.base.update({n: seconds(v) for n, v in p.sent.items()})
            self.contested -= set(p.sent)
        if isinstance(done.result, IncidentChange) and self.version is not None:
            self.version = max(self.version, done.result.version) if not p.versioned else done.result.version
        if p.queued:
            self._unsaved_queue -= 1
        if p.on_done is not None:
            p.on_done(done.result)
        self.refresh()
        self._after_save()

    def _on_failed(self, failed: OpFailed) -> None:
        p = self._pending.pop(failed.ticket, None)
        if p is None:
            return
        self._enable(p.buttons)
        if p.queued:
            self._unsaved_queue -= 1
        if p.name == "refresh":
            self._refreshing = False
        if failed.kind == "unavailable":
            self.db_state.setText("● database unreachable — working locally")
        if failed.conflict is not None and p.versioned:
            return self._conflict(p, failed.conflict)
        if p.name in ("refresh", "directory") and failed.kind == "unavailable":
            return  # the db_state line says it; the operator's last message stays
        self.say(("Not sent: " if p.name == "send" else "") + failed.message, "error")

    def _on_queued(self, queued: OpQueued) -> None:
        p = self._pending.get(queued.ticket)
        if p is None:
            return
        self._enable(p.buttons)
        p.queued = True
        self._unsaved_queue += 1
        if p.versioned and self.version is not None:
            self.version += 1  # what the replay will make it, so later edits queue in order
        self.db_state.setText("● database unreachable — working locally")
        self.say(queued.message, "info")
        self.save_draft()

    def _on_flushed(self, report) -> None:
        if report.ok:
            self.db_state.setText("")
            self.say(report.message, "ok")
        self.refresh()

    def _pending_names(self, name: str) -> bool:
        return any(p.name == name for p in self._pending.values())

    @staticmethod
    def _enable(buttons) -> None:
        for b in buttons:
            b.setEnabled(True)

    def say(self, text: str, kind: str = "ok") -> None:
        """The one status line: ok (green), info (amber), error (red)."""
        self.status_line.setObjectName(kind)
        self.status_line.style().unpolish(self.status_line)  # the colour follows the name
        self.status_line.style().polish(self.status_line)
        self.status_line.setText(" ".join(text.split()))
        self.status_line.setToolTip(text)
        self.status_line.show()

    # -- conflicts ---------------------------------------------------------------------------
    def _conflict(self, p: Pending, error) -> None:
        choices = [FieldChoice(c.field, self.base.get(c.field), seconds(c.theirs), c.yours)
                   for c in error.conflicts if c.field in HEADER_FIELDS]
        names = list(p.sent)
        extra = {k: v for k, v in p.kwargs.items()
                 if k not in {KWARG.get(n, n) for n in names} | {"incident_id", "expected_version"}}
        untouched = all(seconds(c.theirs) == self.base.get(c.field) for c in choices)
        if untouched:
            # They changed other fields only: ours go on top of theirs, nothing of theirs is lost.
            self.run(p.name, p.buttons, p.on_done, sent=p.sent, versioned=True,
                     **(p.kwargs | {"expected_version": error.current_version}))
            return
        self._resolve(choices, p.name, names, p.buttons, extra, p.on_done, error.current_version)

    def _resolve(self, choices, op, names, buttons, extra, on_done, current_version) -> None:
        dialog = ConflictDialog(self.incident_id, choices, self)
        self.conflict_dialog = dialog
        self.say(f"Someone else saved {', '.join(c.field for c in choices)} meanwhile — "
                 "compare and merge (nothing was overwritten).", "info")

        def accepted() -> None:
            resolved = dialog.resolved()
            self.fields.set_many(resolved)
            for c in choices:  # their value is now what we start from
                self.base[c.field] = seconds(c.theirs)
                self.contested.discard(c.field)
            self.version = current_version
            self.save_draft()
            self.save(op, names, buttons, extra=extra, on_done=on_done)

        def rejected() -> None:
            self.say("Not saved — your text is still here; save again to compare.", "info")
        dialog.accepted.connect(accepted)
        dialog.rejected.connect(rejected)
        dialog.open()

    # -- loading and refreshing -------------------------------------------------------------
    def refresh(self) -> None:
        if self.incident_id is None or self._refreshing:
            return
        self._refreshing = True
        iid = self.incident_id

        def task(s):
            return (s.get(iid), s.timeline(iid), s.pages(iid), readers.sent_notifications(s, iid),
                    [d for d in s.due_escalations() if d.incident_id == iid], load_metrics(s, iid))
        self.read("refresh", task, self._refreshed)

    def _refreshed(self, result) -> None:
        self._refreshing = False
        snap, entries, pages, sent, due, metrics = result
        if self.db_state.text():
            self.db_state.setText("")
        self.timeline.set_entries(entries)
        self.timeline_entries = entries
        if self.version is None or snap.version >= self.version or not self.base:
            self._reconcile(snap)
        self.snapshot = snap
        for section in self.sections:
            if hasattr(section, "show_snapshot"):
                section.show_snapshot(snap, pages, sent, due)
        self.postmortem.show(snap, metrics)
        self._update_enabled()
        self._update_header()

    def _reconcile(self, snap: IncidentSnapshot) -> None:
        stored = header_values(snap)
        self.stored = stored
        first = not self.base
        contested = set()
        for name in HEADER_FIELDS:
            if first:
                self.fields.set(name, stored[name])
                self.base[name] = stored[name]
                continue
            mine, base = seconds(self.fields.value(name)), self.base.get(name)
            if mine == stored[name]:
                self.base[name] = stored[name]
            elif mine == base:  # untouched here: show what is stored
                self.fields.set(name, stored[name])
                self.base[name] = stored[name]
            elif stored[name] != base:
                contested.add(name)
        self.contested = contested
        if not contested:
            self.version = snap.version
        else:
            self.say("Someone else changed " + ", ".join(sorted(contested)) + " while you edit it — "
                     "saving will show both versions.", "info")

    def _got_directory(self, directory: readers.Directory) -> None:
        self.directory = directory
        for section in self.sections:
            if hasattr(section, "populate"):
                section.populate(directory)
        if self.snapshot is not None:  # combos filled after the values arrived
            for name in ("incident_manager_id", "postmortem_owner_id"):
                if seconds(self.fields.value(name)) != self.base.get(name) and name not in self.contested:
                    self.fields.set(name, self.base.get(name))
        elif self.incident_id is None:
            self.declare_panel.reapply()

    def _load_prefill(self, component_ids, alert) -> None:
        from noc_app.incidents import prefill_from_impact
        now = dt.datetime.now(UTC)
        self.record.open_button.setEnabled(False)

        def done(pre: Prefill) -> None:
            self.prefill = pre
            self.record.show_prefill(pre, alert)
            self._update_enabled()
            if self.incident_id is None:
                self.declare_panel.show()
                self.declare_panel.start(component_ids, alert)
                self.read("proposal", lambda s: s.proposal(pre),
                          lambda proposal: self.declare_panel.show_proposal(pre, proposal))
        self.read("prefill", lambda s: prefill_from_impact(s.sessions, component_ids, now), done)

    def _opened(self, change: IncidentChange) -> None:
        self.declare_panel.hide()
        self.drafts.delete(self.draft_key)
        self.incident_id = change.incident_id
        self.version = change.version
        self.base = {}
        self.draft_key = f"incident-{change.incident_id}"
        self.say(f"Incident {change.incident_id} opened.", "ok")
        self.run("record_check_transitions", (), None, incident_id=change.incident_id)

    # -- drafts --------------------------------------------------------------------------------
    def draft_data(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "version": self.version, "base": dict(self.base),
                "fields": self.fields.values(),
                "prefill": ({"components": self.prefill.component_roles,
                             "customers": list(self.prefill.customer_ids),
                             "suggested": self.prefill.suggestion.to_dict()}
                            if self.prefill is not None else None)}

    def has_unsaved(self) -> bool:
        if self._unsaved_queue > 0:
            return True
        if self.incident_id is None:
            return any(self.fields.value(n) for n in ("title", "manifestation"))
        return bool(self.dirty()) or any(s.scratch_unsaved() for s in self.sections
                                         if hasattr(s, "scratch_unsaved"))

    def save_draft(self) -> None:
        if self.has_unsaved():
            self.drafts.save(self.draft_key, self.draft_data())
        else:
            self.drafts.delete(self.draft_key)

    def _after_save(self) -> None:
        if not self.has_unsaved():
            self.drafts.delete(self.draft_key)
        else:
            self.save_draft()

    def _apply_draft(self, draft) -> None:
        data = draft.data
        self.draft_key = draft.key
        self.incident_id = data.get("incident_id")
        self.version = data.get("version")
        self.base = {k: seconds(v) for k, v in (data.get("base") or {}).items()}
        self.fields.set_many(data.get("fields") or {})
        self.record.restore_prefill(data.get("prefill"))
        self.say("Recovered your unsaved draft (saved " + draft.saved_at.astimezone().strftime("%H:%M:%S")
                 + ").", "info")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.save_draft()
        self._refresh_timer.stop()
        self._tick.stop()
        super().closeEvent(event)

    # -- header ----------------------------------------------------------------------------
    def _update_enabled(self) -> None:
        exists = self.incident_id is not None
        for section in self.sections:
            if hasattr(section, "set_open"):
                section.set_open(exists)
        self.postmortem.set_open(exists)

    def _update_header(self) -> None:
        snap = self.snapshot
        title = self.fields.value("title") or "New incident"
        self.heading.setText(f"#{self.incident_id}  {title}" if self.incident_id else f"New — {title}")
        self.setWindowTitle(f"Incident {self.incident_id}: {title}" if self.incident_id else "New incident")
        priority = snap.priority if snap else None
        self.badge.setText(priority_word(priority))
        self.badge.setStyleSheet(f"background: {PRIORITY_COLOURS.get(priority or '', '#3a404a')}; "
                                 f"color: {PRIORITY_TEXT.get(priority or '', '#ffffff')};")
        now = dt.datetime.now(UTC)
        text, state = update_state(snap.next_update_due_at if snap and not snap.closed_at else None, now)
        if snap and snap.closed_at:
            text, state = "closed", "none"
        self.countdown.setText(text)
        if self.countdown.property("state") != state:
            self.countdown.setProperty("state", state)
            self.countdown.style().unpolish(self.countdown)
            self.countdown.style().polish(self.countdown)
        self.elapsed.setText(f"open {elapsed(snap.first_recorded_at, now)}" if snap else "")


def default_drafts() -> DraftStore:
    from noc_app.paths import data_dir
    return DraftStore(data_dir() / "drafts")

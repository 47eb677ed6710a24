"""The incident workflow on screen: the incident dialog, the incidents board, draft recovery.

Every database or network call goes through ``IncidentWorker`` (a thread
pool); nothing here blocks the GUI thread.
"""

from widgets.incidents.board import IncidentsBoard, IncidentsModel
from widgets.incidents.dialog import IncidentDialog, default_drafts
from widgets.incidents.recover import RecoverDraftsDialog, recover_drafts
from widgets.incidents.worker import (SAVED_LOCALLY, FlushReport, IncidentWorker, OpDone, OpFailed,
                                      OpQueued, Operation, worker_for)

__all__ = ["FlushReport", "IncidentDialog", "IncidentWorker", "IncidentsBoard", "IncidentsModel",
           "OpDone", "OpFailed", "OpQueued", "Operation", "RecoverDraftsDialog", "SAVED_LOCALLY",
           "default_drafts", "recover_drafts", "worker_for"]

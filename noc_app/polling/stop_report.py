"""What a poller's stop did with the results it still held: the one line the operator reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class StopReport:
    written: int = 0
    kept: int = 0  # results not written, in the spool (or lost if spool_error)
    transitions: int = 0  # of which confirmed state changes
    shed: int = 0  # raw samples dropped during the outage to bound memory
    reason: str | None = None  # why the database did not take them
    spool_path: Path | None = None
    spool_error: str | None = None

    @property
    def clean(self) -> bool:
        return self.kept == 0 and self.shed == 0

    def summary(self) -> str:
        """One line for the operator (empty when everything was written)."""
        if self.clean:
            return ""
        shed = (f"; {self.shed} raw samples were shed while the database was unavailable "
                "(state changes are all kept)") if self.shed else ""
        if not self.kept:
            return f"warning: every check result was written at stop{shed}"
        what = f"{self.kept} check results ({self.transitions} state changes)"
        why = f" ({self.reason})" if self.reason else ""
        if self.spool_error:
            return f"error: database not writable at stop{why}; {what} LOST: cannot write the spool: {self.spool_error}{shed}"
        return (f"error: database not writable at stop{why}; kept {what} for replay in {self.spool_path}; "
                f"the next poller start on this database writes them{shed}")

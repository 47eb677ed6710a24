"""The ops meetings' reports: daily sync, weekly customer success, quarterly SPOF; and the availability report's request.

``ReportRequest`` + ``produce`` are what the command line and the GUI's
Reports dialog both call.
"""

from noc_app.meetings.build import produce
from noc_app.meetings.request import KINDS, ReportRequest, check_input

__all__ = ["KINDS", "ReportRequest", "check_input", "produce"]

"""Manage what surrounds incidents: changes, knowledge base, maintenance, people, notifications."""

from widgets.admin.dialog import AREAS, ManageDialog

__all__ = ["AREAS", "ManageDialog"]

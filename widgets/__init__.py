"""Vigil NOC Qt layer: views, item models, dialogs and workers.

Widgets take core model/service objects in their constructors and never do
network or database I/O on the GUI thread.
"""

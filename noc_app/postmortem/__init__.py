"""After an incident: the how-soon metrics, the post-mortem record, the report and export.

``metrics`` is pure (plain inputs in, a frozen ``HowSoon`` out); ``reader``
loads its inputs from a database session.
"""

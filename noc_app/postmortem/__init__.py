"""After an incident: the how-soon metrics, the post-mortem record, the report and export.

``metrics`` is pure (plain inputs in, a frozen ``HowSoon`` out); ``reader``
loads its inputs from a database session.
"""

# Kept here (no imports) so the command line's parser can offer them cheaply.
EXPORT_FORMATS = ("html", "md", "json", "pdf")
AUDIENCES = ("internal", "customer")

"""The public status page: what the public may see, and the files that say it.

Modules: ``vocabulary`` (Statuspage v2 words), ``config`` (public components
from the topology or the database), ``reader`` (the public model from the
database), ``rules`` (status and indicator), ``uptime`` (90-day bars),
``json_v2`` / ``html_pages`` / ``feeds`` (writers), ``files`` (atomic
directory writes), ``publisher`` (build + write, cached), ``watch``
(``--watch``). Nothing here imports the incident workflow: the incident
service imports ``vocabulary`` and ``config`` from here, never the reverse.
"""

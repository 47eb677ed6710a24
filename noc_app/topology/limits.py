"""How long each text of the topology file may be: the widths of the columns it is synced into.

SQLite stores a 201-character name in a VARCHAR(200) and PostgreSQL refuses
it, so the file is checked against these before anything is written and both
backends see the same one-line error. ``tests/test_text_limits.py`` checks
every number here against the column it guards.
"""

from __future__ import annotations

ID = 100  # every id column (components, customers, people, teams, ...)
NAME = 200  # names of components, customers, people, teams, lists, templates
GROUP = 100  # components.group_name
KIND = 40  # components.kind
TIER = 40  # tiers.name, customers.tier
TIMEZONE = 64  # customers.timezone
PERSON_REF = 200  # customers.account_manager
EMAIL = 320  # people.email, customers.email
PHONE = 60  # people.phone
URL = 500  # checks.target, notification_lists.webhook_url
TITLE = 300  # kb_articles.title, message_templates.subject
AUTHOR = 200  # changes.author

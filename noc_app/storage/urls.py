"""Database URLs in messages: passwords masked, whatever the shape of the URL.

``--db 'alice:Secret@host/noc'`` is not even a URL SQLAlchemy can parse, so
its own ``hide_password`` cannot help; this masks the ``user:password@`` part
of anything that looks like one, in any text about to be shown.
"""

from __future__ import annotations

import re

MASK = "***"

# [scheme://]user:password@  — the password is everything up to the last "@"
# before the host (passwords may contain "@" and ":" when not percent-encoded).
_USERINFO = re.compile(
    r"(?P<lead>(?:[A-Za-z][A-Za-z0-9+.\-]*://)|(?<![^\s\"'(=]))"
    r"(?P<user>[^\s:/@\"']*):(?!//)(?P<password>[^\s\"']*)@(?=[^\s@\"']*(?:[\s\"')]|$))"
)


def redact_secrets(text: str) -> str:
    """``text`` with the password of every ``user:password@host`` in it replaced by ``***``."""
    return _USERINFO.sub(lambda m: f"{m['lead']}{m['user']}:{MASK}@", text)

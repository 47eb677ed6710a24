"""A throwaway PostgreSQL server for the test session.

The tests need a real PostgreSQL (row leases with ``SKIP LOCKED``,
LISTEN/NOTIFY, a server that dies mid-incident), not a mock.  This module
finds the server binaries, runs ``initdb`` into a private temp directory and
starts ``postgres`` on a free loopback port with durability switched off
(the data is thrown away, so fsync only costs time).

Usage::

    server = PgServer()
    server.start()
    url = server.create_database("t_example")   # SQLAlchemy URL
    server.stop(); server.start()               # same data dir and port
    server.cleanup()                            # stop and delete everything

``pg_unavailable_reason()`` says why no server can be started here (or
``None`` when one should start), so callers can skip with a useful message.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PgServer",
    "PgServerError",
    "PgBinaries",
    "find_pg_binaries",
    "pg_unavailable_reason",
]

# Env var naming the directory that holds initdb/pg_ctl/postgres; when set it
# wins over every other search location (and is not silently ignored if wrong).
PG_BIN_ENV = "NOC_PG_BIN"

# Non-root accounts that may own the cluster when the tests run as root:
# initdb/postgres refuse to run as root.  "postgres" is what the Debian/Ubuntu
# packages create; "nobody" is a last resort that exists almost everywhere.
_UNPRIVILEGED_USERS = ("postgres", "nobody")

_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 30.0
_LOG_TAIL_LINES = 30

# libpq/psycopg read these; a developer's PGHOST/PGPORT/PGDATA must not
# redirect the throwaway server or its clients somewhere else.
_PG_ENV_VARS = (
    "PGDATA", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE",
    "PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGOPTIONS", "PGSSLMODE",
    "PGTZ", "PGCLIENTENCODING",
)


class PgServerError(RuntimeError):
    """The throwaway server could not be set up, started or stopped."""


@dataclass(frozen=True)
class PgBinaries:
    bin_dir: Path
    initdb: Path
    pg_ctl: Path
    postgres: Path


# --------------------------------------------------------------------------
# Finding the binaries
# --------------------------------------------------------------------------

def _version_key(path: Path) -> tuple[int, ...]:
    """Sort key for ``/usr/lib/postgresql/<version>/bin``: numeric, so 15 > 9.6."""
    version = path.parent.name
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


def _binaries_in(bin_dir: Path) -> PgBinaries | None:
    """The three binaries in ``bin_dir``, or None if any is missing.

    Symlinks are resolved first: ``/usr/local/bin/initdb`` may point into
    ``/usr/lib/postgresql/15/bin`` where ``postgres`` itself lives, while
    ``/usr/local/bin`` has no ``postgres``.
    """
    paths = {}
    for name in ("initdb", "pg_ctl", "postgres"):
        candidate = bin_dir / name
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            return None
        paths[name] = candidate
    return PgBinaries(bin_dir=bin_dir, **paths)


def _candidate_dirs() -> list[Path]:
    """Directories to try, best first: PATH, then versioned install dirs (newest first)."""
    dirs: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        dirs.append(Path(os.path.realpath(on_path)).parent)
    versioned: list[Path] = []
    for pattern_root, glob in (
        (Path("/usr/lib/postgresql"), "*/bin"),   # Debian / Ubuntu
        (Path("/usr"), "pgsql-*/bin"),            # RHEL / PGDG rpms
        (Path("/opt/homebrew/opt"), "postgresql@*/bin"),
        (Path("/usr/local/opt"), "postgresql@*/bin"),
    ):
        if pattern_root.is_dir():
            versioned.extend(pattern_root.glob(glob))
    dirs.extend(sorted(versioned, key=_version_key, reverse=True))
    dirs.append(Path("/usr/local/pgsql/bin"))      # source install default
    seen: set[Path] = set()
    unique = []
    for d in dirs:
        if d not in seen:
            seen.add(d)
            unique.append(d)
    return unique


def find_pg_binaries() -> PgBinaries:
    """Locate initdb, pg_ctl and postgres; raise PgServerError saying where we looked."""
    override = os.environ.get(PG_BIN_ENV)
    if override:
        bin_dir = Path(override)
        if bin_dir.is_file():          # tolerate NOC_PG_BIN=/path/to/initdb
            bin_dir = bin_dir.parent
        bin_dir = Path(os.path.realpath(bin_dir))
        found = _binaries_in(bin_dir)
        if found is None:
            raise PgServerError(
                f"{PG_BIN_ENV}={override!r} does not contain executable "
                "initdb, pg_ctl and postgres; point it at PostgreSQL's bin directory"
            )
        return found
    tried = _candidate_dirs()
    for bin_dir in tried:
        found = _binaries_in(bin_dir)
        if found is not None:
            return found
    raise PgServerError(
        "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found on PATH or in "
        + ", ".join(str(d) for d in tried)
        + f"; install the server (e.g. apt-get install postgresql) or set {PG_BIN_ENV}"
    )


# --------------------------------------------------------------------------
# Running as an unprivileged user
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _RunAs:
    """Who runs initdb/pg_ctl: None fields mean "the current user"."""
    uid: int | None = None
    gid: int | None = None
    name: str | None = None
    home: str | None = None


def _pick_run_as() -> _RunAs:
    """The account that owns the cluster.

    As root we switch to an unprivileged account via subprocess's own
    ``user=``/``group=`` (setuid after fork).  That needs neither runuser nor
    su, passes plain argv lists and opens no PAM session.
    """
    if os.geteuid() != 0:
        return _RunAs()
    for name in _UNPRIVILEGED_USERS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid == 0:
            continue
        return _RunAs(uid=entry.pw_uid, gid=entry.pw_gid, name=name, home=entry.pw_dir)
    raise PgServerError(
        "running as root, and initdb refuses to run as root, but none of the "
        f"unprivileged accounts {', '.join(_UNPRIVILEGED_USERS)} exists; "
        "create a 'postgres' user or run the tests as a normal user"
    )


def pg_unavailable_reason() -> str | None:
    """Why no throwaway server can start here, or None if it should."""
    try:
        find_pg_binaries()
        _pick_run_as()
    except PgServerError as exc:
        return str(exc)
    try:
        import psycopg  # noqa: F401  (the server is useless without a driver)
    except ImportError:
        return "psycopg (3) is not installed; pip install 'psycopg[binary]'"
    return None


def _clean_env(run_as: _RunAs) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PG_ENV_VARS}
    # Deterministic, always-available messages and collation.
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    env.pop("LANGUAGE", None)
    if run_as.name is not None:
        env["HOME"] = run_as.home or "/"
        env["USER"] = env["LOGNAME"] = run_as.name
    return env


def _world_traversable(path: str) -> bool:
    """Whether any account can reach ``path`` (o+x on it and every parent)."""
    current = Path(path).resolve()
    for directory in (current, *current.parents):
        try:
            if not directory.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def _free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no server log at {path}: {exc})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else "(server log is empty)"


_DB_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

class PgServer:
    """One throwaway cluster: a temp dir with the data dir, log and socket dir.

    The data dir and port are fixed at the first ``start()`` so ``stop()`` then
    ``start()`` (or ``restart()``) brings back the same server at the same URL
    with its data, as the incident tests need when they kill the database
    mid-edit.
    """

    SUPERUSER = "postgres"
    DEFAULT_DB = "noc_test"

    def __init__(self, *, base_dir: str | os.PathLike | None = None, port: int | None = None) -> None:
        self._base_dir_arg = base_dir
        self._requested_port = port
        self.port: int | None = port
        self.root: Path | None = None          # the temp dir we own (deleted by cleanup)
        self._bins: PgBinaries | None = None
        self._run_as: _RunAs | None = None
        self._initialised = False
        self._running = False
        self._ever_started = False
        self._default_url: str | None = None

    # -- paths -------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self._require_root() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._require_root() / "sock"

    @property
    def log_file(self) -> Path:
        return self._require_root() / "server.log"

    @property
    def running(self) -> bool:
        return self._running

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the default test database (created by the first start)."""
        if self._default_url is None:
            raise PgServerError("the server has not been started yet")
        return self._default_url

    def url_for(self, dbname: str) -> str:
        if self.port is None:
            raise PgServerError("the server has not been started yet")
        return f"postgresql+psycopg://{self.SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq conninfo for psycopg.connect (short timeout: a dead server must fail fast)."""
        return (
            f"host=127.0.0.1 port={self.port} user={self.SUPERUSER} "
            f"dbname={dbname} connect_timeout=5"
        )

    def _require_root(self) -> Path:
        if self.root is None:
            raise PgServerError("the server has not been set up yet")
        return self.root

    # -- subprocess helpers ------------------------------------------------
    def _run(self, argv: list[str], *, timeout: float, what: str) -> subprocess.CompletedProcess:
        run_as = self._run_as or _RunAs()
        kwargs = {}
        if run_as.uid is not None:
            kwargs.update(user=run_as.uid, group=run_as.gid, extra_groups=[])
        try:
            return subprocess.run(
                argv,
                cwd=self._require_root(),   # postgres may not be able to read our cwd
                env=_clean_env(run_as),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                **kwargs,
            )
        except subprocess.TimeoutExpired as exc:
            raise PgServerError(f"{what} timed out after {timeout:.0f}s\n{self._log_tail()}") from exc
        except OSError as exc:
            raise PgServerError(f"{what} could not run {argv[0]}: {exc}") from exc

    def _log_tail(self) -> str:
        if self.root is None:
            return ""
        return f"--- last lines of {self.log_file} ---\n{_tail(self.log_file)}"

    # -- lifecycle ---------------------------------------------------------
    def _setup(self) -> None:
        """Create the temp dir, hand it to the unprivileged account, run initdb."""
        self._bins = find_pg_binaries()
        self._run_as = _pick_run_as()
        # tempfile (not pytest's tmp_path): pytest's basetemp is 0700 root-owned
        # when run as root, which the postgres account could not traverse.  A
        # short path also keeps the unix socket path under its ~107-byte limit.
        base = self._base_dir_arg or None
        if base is None and self._run_as.uid is not None and not _world_traversable(tempfile.gettempdir()):
            base = "/tmp"   # e.g. TMPDIR under /root: the postgres account could not reach it
        self.root = Path(tempfile.mkdtemp(prefix="noc-pg-", dir=base))
        self.socket_dir.mkdir()
        if self._run_as.uid is not None:
            for path in (self.root, self.socket_dir):
                os.chown(path, self._run_as.uid, self._run_as.gid)
        result = self._run(
            [
                str(self._bins.initdb),
                "-D", str(self.data_dir),
                "-U", self.SUPERUSER,          # fixed superuser name whoever runs it
                "--auth=trust",                # loopback + socket only; throwaway data
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",                   # nothing here needs to survive a crash
            ],
            timeout=120,
            what="initdb",
        )
        if result.returncode != 0:
            raise PgServerError(
                f"initdb failed (exit {result.returncode}) in {self.data_dir}:\n"
                f"{(result.stderr or result.stdout).strip()}"
            )
        self._write_config()
        self._initialised = True

    def _write_config(self) -> None:
        # Settings go in postgresql.conf (not pg_ctl -o, which is a shell
        # string); appended lines override the defaults above them.
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "100",
            "shared_buffers": "32MB",
            "log_min_messages": "warning",
            "logging_collector": "off",
            # Keep the server's clock conventions predictable for tests.
            "timezone": "'UTC'",
        }
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a") as fh:   # appending keeps the postgres account as owner
            fh.write("\n# --- Vigil NOC test server ---\n")
            for key, value in settings.items():
                fh.write(f"{key} = {value}\n")

    def _pg_ctl_start(self) -> subprocess.CompletedProcess:
        assert self._bins is not None
        return self._run(
            [
                str(self._bins.pg_ctl), "start",
                "-D", str(self.data_dir),
                "-l", str(self.log_file),
                "-o", f"-p {int(self.port)}",   # an int only: nothing to quote
                "-w", "-t", str(int(_START_TIMEOUT_S)),
            ],
            timeout=_START_TIMEOUT_S + 15,
            what="pg_ctl start",
        )

    def start(self) -> str:
        """Start (initdb on first use); returns the default database URL."""
        if self._running:
            return self.url
        if not self._initialised:
            self._setup()
        # A port we picked ourselves may be grabbed between probing and
        # binding; until the server has started once we may pick another.
        # After that the port is fixed so the URLs handed out stay valid.
        may_repick = self._requested_port is None and not self._ever_started
        attempts = 3 if may_repick else 1
        for _ in range(attempts):
            if self.port is None or may_repick:
                self.port = _free_port()
            result = self._pg_ctl_start()
            if result.returncode == 0:
                break
        else:
            raise PgServerError(
                f"PostgreSQL did not start on 127.0.0.1:{self.port} "
                f"(pg_ctl exit {result.returncode}): {(result.stderr or result.stdout).strip()}\n"
                f"{self._log_tail()}"
            )
        self._ever_started = True
        self._running = True
        self._wait_ready()
        if self._default_url is None:
            self._default_url = self.create_database(self.DEFAULT_DB)
        return self._default_url

    def _wait_ready(self) -> None:
        """pg_ctl -w already waited; confirm over TCP, as the tests will connect."""
        import psycopg

        deadline = time.monotonic() + _START_TIMEOUT_S
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with psycopg.connect(self.conninfo(), autocommit=True) as conn:
                    conn.execute("select 1")
                return
            except psycopg.OperationalError as exc:
                last_error = exc
                time.sleep(0.1)
        raise PgServerError(
            f"PostgreSQL on 127.0.0.1:{self.port} did not accept connections within "
            f"{_START_TIMEOUT_S:.0f}s: {last_error}\n{self._log_tail()}"
        )

    def stop(self) -> None:
        """Fast shutdown (disconnects clients, no checkpoint wait beyond the minimum)."""
        if not self._running or self._bins is None:
            return
        result = self._run(
            [
                str(self._bins.pg_ctl), "stop",
                "-D", str(self.data_dir),
                "-m", "fast",
                "-w", "-t", str(int(_STOP_TIMEOUT_S)),
            ],
            timeout=_STOP_TIMEOUT_S + 15,
            what="pg_ctl stop",
        )
        if result.returncode != 0:
            raise PgServerError(
                f"pg_ctl stop failed (exit {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()}\n{self._log_tail()}"
            )
        self._running = False

    def restart(self) -> str:
        self.stop()
        return self.start()

    def cleanup(self) -> None:
        """Stop the server (best effort) and delete its temp dir."""
        try:
            self.stop()
        except PgServerError:
            if self._bins is not None and self.root is not None:
                # Last resort so no stray postgres outlives the session.
                self._run(
                    [str(self._bins.pg_ctl), "stop", "-D", str(self.data_dir), "-m", "immediate", "-w"],
                    timeout=30,
                    what="pg_ctl stop -m immediate",
                )
            self._running = False
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
        self._initialised = False

    # -- databases ---------------------------------------------------------
    def create_database(self, name: str) -> str:
        """Create an empty database; returns its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        if not _DB_NAME_RE.match(name):
            raise ValueError(f"invalid database name {name!r} (letters, digits, _; max 63)")
        if not self._running:
            raise PgServerError("cannot create a database: the server is not running")
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting leftover sessions (PostgreSQL 13+)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def __enter__(self) -> "PgServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        state = "running" if self._running else "stopped"
        return f"<PgServer {state} port={self.port} root={self.root}>"

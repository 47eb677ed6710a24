"""``poll --processes N``: N poller processes on one machine, one per core.

One Python process runs its checks on one core (the GIL), so a machine with
more cores runs several pollers. They share the checks exactly as pollers on
different machines do, through the row leases (``leases.py``): each holds a
fair share, a dead one's checks move to the others once its lease expires.
This module is only the small supervisor that starts them:

- starts N children (``python -m noc_app.cli poll ...``, the same command),
  hands each the topology it already read (on its stdin), runs ``ready``
  (the database's preparation) while they start up, and tells each on its
  stdin (``go``) when it is done; if ``ready`` fails the children are
  stopped before they touch the database;
- forwards SIGTERM and SIGINT to every child, so each stops cleanly and
  hands its leases back;
- restarts none: a child that dies is reported on stderr (the others take
  over its checks after the lease); restarting silently would hide a crash
  loop behind a green wall;
- exits when every child has exited, with the worst child's code (a child
  killed by signal S counts as 128 + S, as a shell reports it).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import noc_app

_PACKAGE_ROOT = str(Path(noc_app.__file__).resolve().parent.parent)


def child_command(poll_args: Sequence[str]) -> list[str]:
    """The command line of one child poller (``poll_args`` follow ``poll``)."""
    return [sys.executable, "-m", "noc_app.cli", "poll", *poll_args]


def exit_code(status: int) -> int:
    """A wait status as a shell would report it."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


SYNCED = "synced"  # the line a child waits for on stdin before it touches the database


def send_topology(topology) -> bytes:
    """What a child reads first on its stdin: the topology the supervisor already read and checked.

    Parsing and validating the file again cost each child ~0.7 s of CPU at
    10,000 checks, while unpickling it costs 0.08 s. The pipe is the
    supervisor's own: nothing else writes to it, nothing of it is stored.
    """
    body = pickle.dumps(topology, protocol=pickle.HIGHEST_PROTOCOL)
    return f"topology {len(body)}\n".encode() + body


def receive_topology(stream):
    """The child's side of ``send_topology``; None if the supervisor closed the pipe first."""
    head = stream.readline().split()
    if len(head) != 2 or head[0] != b"topology":
        return None
    body = stream.read(int(head[1]))
    return pickle.loads(body) if len(body) == int(head[1]) else None


def supervise(commands: Sequence[Sequence[str]], warn: Callable[[str], None],
              ready: Callable[[], None] | None = None, go: str = SYNCED,
              hello: bytes = b"") -> tuple[int, list[int]]:
    """Run one child per command until all have exited; (worst exit code, child pids).

    SIGTERM/SIGINT received meanwhile are forwarded to the live children.
    ``ready`` runs once the children are started; then each child reads
    ``go`` on its stdin. If it raises, the children are stopped (their stdin
    closes unanswered) and the exception propagates. ``hello`` is written to
    each child's stdin as soon as it starts (by a thread per child, so that
    ``ready`` runs meanwhile, not after the children have read it).
    """
    env = dict(os.environ)
    # The children import this very copy of the app, however it was started.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    children: dict[int, subprocess.Popen] = {}
    stopping = False

    def forward(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.returncode is None:
                try:
                    child.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    worst = 0
    pids: list[int] = []
    try:
        for command in commands:
            child = subprocess.Popen(list(command), env=env, stdin=subprocess.PIPE)
            children[child.pid] = child
            pids.append(child.pid)
            if stopping:  # a signal arrived while starting: this one must stop too
                child.send_signal(signal.SIGTERM)
        greeters = [threading.Thread(target=_write_quietly, args=(child.stdin, hello), daemon=True)
                    for child in children.values() if hello]
        for greeter in greeters:
            greeter.start()
        try:
            if ready is not None:
                ready()
        except BaseException:
            for child in children.values():
                _close_quietly(child.stdin)  # unanswered: the child exits without touching anything
                child.wait()
            raise
        for greeter in greeters:
            greeter.join()
        for child in children.values():
            if not stopping:
                try:
                    child.stdin.write(f"{go}\n".encode())
                except OSError:
                    pass  # already gone: the wait below reports it
            _close_quietly(child.stdin)
        while any(c.returncode is None for c in children.values()):
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            child = children.get(pid)
            if child is None:
                continue
            child.returncode = exit_code(status)
            worst = max(worst, child.returncode)
            if not stopping:
                live = sum(1 for c in children.values() if c.returncode is None)
                warn(f"poller process {pid} exited with code {child.returncode}; not restarted "
                     f"({live} left; they take over its checks when its lease expires)")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return worst, pids


def _write_quietly(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.flush()
    except (OSError, ValueError):
        pass  # the child is gone (or its pipe closed): the wait reports it


def _close_quietly(stream) -> None:
    try:
        stream.close()
    except OSError:
        pass

"""Issue 10 items 12 and 14: a full disk under the SQLite database.

A real small filesystem (tmpfs of 2 MiB, mounted here; skipped with the
reason where this process may not mount one), the real poller in a child
process. While the disk is full the poller says so in words; when space
returns, writes resume and every result printed is stored; at SIGTERM on a
full disk the results go to the spool (in the data directory, on another
disk) and the next start writes them.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from fleet_topology import quiet_fleet, write_topology
from noc_app.storage import models as db
from test_poller_stop import Poller, count_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a 2 MiB tmpfs here (needs root or CAP_SYS_ADMIN): "
                    f"{proc.stderr.strip() or proc.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(directory: Path) -> Path:
    """A file that takes every byte left on the filesystem."""
    filler = directory / f"filler-{uuid.uuid4().hex}"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as f:
        while True:
            try:
                f.write(block)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
    with open(filler, "ab", buffering=0) as f:  # the last partial block
        for size in (16384, 4096, 512, 1):
            while True:
                try:
                    f.write(b"\0" * size)
                except OSError:
                    break
    return filler


@pytest.fixture
def fleet():
    fleet = quiet_fleet()
    yield fleet
    fleet.stop()


def test_full_disk_is_said_in_words_and_writes_resume_when_space_returns(tmp_path, small_disk, fleet):
    config = write_topology(tmp_path / "t.toml", fleet.base_url, interval="200ms", retries=0)
    url = f"sqlite:///{small_disk}/noc.db"
    poller = Poller("--config", str(config), "--db", url, "--json",
                    env={**os.environ, "NOC_DATA_DIR": str(tmp_path / "data")})
    try:
        poller.wait_for(lambda: len(poller.out) >= 8, 30, "first results")
        filler = fill(small_disk)
        poller.wait_for(lambda: any("disk full: " in line for line in poller.err), 30, "a disk-full warning")
        filler.unlink()  # space returns
        printed = len(poller.out)
        poller.wait_for(lambda: count_rows(url, db.CheckSample) >= printed, 30, "writes resumed")
        code = poller.terminate()
    finally:
        poller.kill()
    assert code == 0, poller.err
    warning = next(line for line in poller.err if "disk full: " in line)
    assert warning.startswith(f"warning: could not write check results: disk full: {small_disk}/noc.db")
    assert not any("OperationalError" in line for line in poller.err)
    assert any("writes resumed" in line for line in poller.err)
    assert count_rows(url, db.CheckSample) == len(poller.out)  # every printed result is stored


def test_the_write_ahead_log_never_fills_a_small_disk_by_itself(tmp_path, small_disk, fleet):
    # SQLite checkpoints its log at 4 MiB: on a disk with less room than that,
    # the log alone filled it (and then nothing could be checkpointed).
    config = write_topology(tmp_path / "t.toml", fleet.base_url, interval="100ms", retries=0)
    url = f"sqlite:///{small_disk}/noc.db"
    poller = Poller("--config", str(config), "--db", url, "--json",
                    env={**os.environ, "NOC_DATA_DIR": str(tmp_path / "data")})
    try:
        poller.wait_for(lambda: len(poller.out) >= 8, 30, "first results")
        filler = fill(small_disk)  # leave 256 KiB: a minute of samples, ten seconds of log
        with open(filler, "r+b") as f:
            f.truncate(max(0, filler.stat().st_size - 256 * 1024))
        time.sleep(10)
        code = poller.terminate()
    finally:
        poller.kill()
    assert code == 0, "\n".join(poller.err)
    assert not any("disk full" in line for line in poller.err)
    assert count_rows(url, db.CheckSample) == len(poller.out)


def test_sigterm_on_a_full_disk_spools_and_the_next_start_writes_them(tmp_path, small_disk, fleet):
    env = {**os.environ, "NOC_DATA_DIR": str(tmp_path / "data")}
    config = write_topology(tmp_path / "t.toml", fleet.base_url, interval="200ms", retries=0)
    url = f"sqlite:///{small_disk}/noc.db"
    poller = Poller("--config", str(config), "--db", url, "--json", "--stop-grace", "1", env=env)
    try:
        poller.wait_for(lambda: len(poller.out) >= 8, 30, "first results")
        filler = fill(small_disk)
        poller.wait_for(lambda: any("disk full: " in line for line in poller.err), 30, "a disk-full warning")
        # The poller's relief (the write-ahead log truncated) may free a little;
        # take that too, so the disk stays full for the rest of the test.
        extra = fill(small_disk)
        fleet.set_override("search", "down")
        poller.wait_for(lambda: any('"search#0"' in line and '"DOWN"' in line for line in poller.out), 20,
                        "search DOWN")
        code = poller.terminate()
    finally:
        poller.kill()
    assert code == 1, "\n".join(poller.err)
    assert "kept" in poller.err[-1] and "disk full: " in poller.err[-1]
    spooled = list((tmp_path / "data" / "spool").glob("results-*.json"))
    kept = json.loads(spooled[0].read_text())["results"]
    assert any(r["check"] == "search#0" and r["transition"] and r["transition"]["to"] == "DOWN" for r in kept)

    filler.unlink()
    extra.unlink()
    before = count_rows(url, db.CheckSample)
    again = subprocess.run([sys.executable, str(ROOT / "main.py"), "poll", "--config", str(config),
                            "--db", url, "--once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert f"replayed {len(kept)} check results" in again.stderr
    assert count_rows(url, db.CheckSample) == before + len(kept) + 4

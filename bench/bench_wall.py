"""Speed bench for the component wall (issue 5), offscreen.

    PYTHONPATH=. python bench/bench_wall.py [--tiles 2000] [--seconds 8] [--size 1920x1080]
    PYTHONPATH=. python bench/bench_wall.py --shots /tmp/wall-shots   # review screenshots

A synthetic topology (N components in 10 groups, sparse dependencies so some
tiles turn IMPACTED) feeds 100 random state changes per second through
``BoardStore.apply`` from a 10 ms QTimer. A frame is the wall folding a burst
of changes (``flush``) plus the paint Qt delivers for it; we report p50/p95/max
frame time and frames painted per second. A 10 ms watchdog timer measures its
own lateness: the worst GUI stall, whatever caused it (impact engine included).
Target: 2,000 tiles at >= 60 frames/s, p95 frame < 16 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QElapsedTimer, QRect, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from noc_app.domain import CheckKind, Status  # noqa: E402
from noc_app.live import CheckView, StatusBoard  # noqa: E402
from noc_app.topology.model import CheckSpec, ComponentSpec, Topology  # noqa: E402
from widgets.board_store import BoardStore  # noqa: E402
from widgets.wall import ComponentWall, WallWindow  # noqa: E402
from widgets.wall.tiles import timer  # noqa: E402

# PySide6 6.12.0 on CPython < 3.12 drops one reference to None (or a bool) on many
# calls (QPainter.setPen, setBrush, setRenderHint...): after enough paints the
# interpreter aborts with "none_dealloc"/"bool_dealloc". From 3.12 None is immortal and this is harmless. Hold
# spare references so the bench measures rendering, not that bug (see bench/README.md).
# A tuple of atoms, which the garbage collector untracks: a list would cost every GC pass.
_SPARE = tuple([None, True, False] * 3_000_000) if sys.version_info < (3, 12) else ()

STATES = [Status.OK] * 4 + [Status.DEGRADED, Status.DOWN, Status.UNKNOWN, Status.MAINTENANCE]
UTC = dt.timezone.utc


def synthetic_topology(n: int, groups: int = 10, seed: int = 0) -> Topology:
    rng = random.Random(seed)
    components = []
    for i in range(n):
        cid = f"c{i:05d}"
        deps = (f"c{rng.randrange(i):05d}",) if i > groups and rng.random() < 0.3 else ()
        check = CheckSpec(key=f"{cid}#0", component_id=cid, kind=CheckKind.HTTP, interval_s=10.0,
                          timeout_s=5.0, retries=2, url=f"http://127.0.0.1:1/{cid}")
        components.append(ComponentSpec(id=cid, name=f"service {i:05d} ({rng.choice('abcdefgh')}-pool)",
                                        group=f"Region {i % groups + 1:02d}", depends_on=deps, checks=(check,)))
    return Topology(source="<synthetic>", components=tuple(components))


def view(cid: str, status: Status, now: dt.datetime, flapping: bool = False) -> CheckView:
    return CheckView(f"{cid}#0", cid, status, status, now, 42.0, None if status == Status.OK else "boom",
                     flapping, now, True)


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def fit_font(wall: ComponentWall) -> int:
    """Biggest font at which every tile is on one page (a bench wall shows them all)."""
    for px in range(16, 2, -1):
        font = wall.font()
        font.setPixelSize(px)
        wall.setFont(font)
        if wall.page_count() == 1:
            return px
    return px


def run(app, tiles: int, seconds: float, size: tuple[int, int], rate: int) -> dict:
    topology = synthetic_topology(tiles)
    store = BoardStore(StatusBoard(topology))
    now = dt.datetime.now(UTC)
    store.apply_many(view(c.id, Status.OK, now) for c in topology.components)
    wall = ComponentWall(store)
    wall.resize(*size)
    px = fit_font(wall)
    # The first layout is painted in over several frames by the wall's frame clock: time the
    # first frame on screen, the frame that completes the page, and the worst frame meanwhile.
    first: list[float] = []
    wall.frame_listener = lambda flush_s, paint_s: first.append((flush_s + paint_s) * 1000)
    stopwatch = QElapsedTimer()
    stopwatch.start()
    wall.show()
    first_ms = None
    while not (wall.layout_complete() and not wall._dirty) or first_ms is None:
        app.processEvents()
        if first and first_ms is None:
            first_ms = stopwatch.nsecsElapsed() / 1e6
        time.sleep(0.0005)
    app.processEvents()  # the paint of the last rectangles
    cold_ms = stopwatch.nsecsElapsed() / 1e6
    first_frame_max = max(first, default=float("nan"))
    stopwatch.restart()
    wall.repaint()  # later full repaints copy the composed page
    warm_ms = stopwatch.nsecsElapsed() / 1e6

    frames: list[float] = []
    wall.frame_listener = lambda flush_s, paint_s: frames.append((flush_s + paint_s) * 1000)
    applies: list[float] = []
    rng = random.Random(1)
    ids = [c.id for c in topology.components]
    state = dict.fromkeys(ids, Status.OK)
    per_tick = max(1, rate // 100)
    flushes = [0]
    flush = wall.flush

    def counted_flush(*args, **kwargs):
        flushes[0] += 1
        flush(*args, **kwargs)

    wall._frame.timeout.disconnect()
    wall._frame.timeout.connect(counted_flush)

    def change() -> None:
        # A state *change*: never the state the check already has (a no-op is not a change).
        t = time.perf_counter()
        stamp = dt.datetime.now(UTC)
        for _ in range(per_tick):
            cid = rng.choice(ids)
            new = rng.choice([s for s in STATES if s != state[cid]])
            state[cid] = new
            store.apply(view(cid, new, stamp, rng.random() < 0.05))
        applies.append((time.perf_counter() - t) * 1000 / per_tick)

    worst = [0.0]
    last = [time.perf_counter()]

    def watchdog() -> None:
        t = time.perf_counter()
        worst[0] = max(worst[0], (t - last[0]) * 1000 - 10)
        last[0] = t

    feeder = timer(wall, 10, change)
    dog = timer(wall, 10, watchdog)
    dog.setTimerType(Qt.TimerType.PreciseTimer)
    feeder.setTimerType(Qt.TimerType.PreciseTimer)
    frames.clear()
    last[0] = time.perf_counter()
    feeder.start()
    dog.start()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        app.processEvents()
        time.sleep(0.0005)  # an idle event loop, without spinning a core at 100 %
    elapsed = time.perf_counter() - start
    feeder.stop()
    dog.stop()
    wall.close()
    return {"tiles": tiles, "font_px": px, "size": size, "changes": len(applies) * per_tick,
            "frames": len(frames), "fps": len(frames) / elapsed, "clock": flushes[0] / elapsed,
            "first": first_ms, "first_max": first_frame_max, "p50": pct(frames, 0.5),
            "p95": pct(frames, 0.95), "max": max(frames, default=float("nan")),
            "apply_p95": pct(applies, 0.95), "stall": worst[0], "cold": cold_ms, "warm": warm_ms,
            "seconds": elapsed}


def shots(app, directory: str) -> None:
    """The demo outage on the wall at 1080p and 4K, plus the stale and missing-screen states."""
    from noc_app.demo import DEMO_TOPOLOGY_PATH
    from noc_app.topology import load_topology
    from widgets.wall.sample import outage_views

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name, (w, h), screen, stale in (("wall-1080p", (1920, 1080), None, False),
                                        ("wall-4k", (3840, 2160), None, False),
                                        ("wall-1080p-stale", (1920, 1080), None, True),
                                        ("wall-1080p-notice", (1920, 1080), 5, False)):
        store = BoardStore(StatusBoard(load_topology(DEMO_TOPOLOGY_PATH)))
        now = dt.datetime.now(UTC) - dt.timedelta(seconds=95 if stale else 0)
        store.apply_many(outage_views(store.board.topology, now))
        wall = ComponentWall(store)
        window = WallWindow(store, {"Components": wall}, screen_index=screen)
        window.set_wall_geometry(QRect(0, 0, w, h))
        window.show()
        app.processEvents()
        wall.settle()
        window.tick()
        window.grab().save(str(out / f"{name}.png"))
        tile = wall.tile_at("db-main")
        print(f"{name}: base text {window.base_px}px, tile text {tile.font_px}px, "
              f"{wall.page_count()} page(s) -> {out / (name + '.png')}")
        window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--size", default="3840x2160", help="the wall (default: a 4K panel)")
    parser.add_argument("--rate", type=int, default=100, help="state changes per second")
    parser.add_argument("--shots", metavar="DIR", help="save review screenshots instead")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.shots:
        shots(app, args.shots)
        return 0
    size = tuple(int(v) for v in args.size.split("x"))
    print(f"wall bench: {args.rate} changes/s for {args.seconds:.0f}s, {size[0]}x{size[1]} offscreen")
    print(f"{'tiles':>6} {'font':>5} {'1st frame':>9} {'complete':>9} {'its max':>8} {'full':>7} "
          f"{'clock/s':>8} {'frames/s':>9} {'p50':>7} {'p95':>7} {'max':>7} {'apply p95':>10} {'worst stall':>12}")
    for n in args.tiles:
        r = run(app, n, args.seconds, size, args.rate)
        print(f"{r['tiles']:>6} {r['font_px']:>3}px {r['first']:>7.1f}ms {r['cold']:>7.1f}ms "
              f"{r['first_max']:>6.1f}ms {r['warm']:>5.1f}ms {r['clock']:>8.1f} "
              f"{r['fps']:>9.1f} {r['p50']:>5.2f}ms {r['p95']:>5.2f}ms {r['max']:>5.1f}ms "
              f"{r['apply_p95']:>8.2f}ms {r['stall']:>10.1f}ms")
    print("frame = flush (changes -> facts -> tiles painted into the page canvas) + paint (copy of the "
          "dirty rects); clock/s = frame-clock ticks (flushes) per second, frames/s = frames painted; "
          "1st frame / complete = show to first frame / to the whole first layout painted (over "
          "several frames), its max = the longest of those frames; full = a later full repaint")
    return 0


if __name__ == "__main__":
    sys.exit(main())

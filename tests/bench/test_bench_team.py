"""Ten coders on one server project (issue 17), run by ``make bench``.

* **Load** (needs ``QUALFRAME_TEST_DATABASE``): 10 coder processes apply codes for
  ``QUALFRAME_TEAM_SECONDS`` (default 60) s; no segment lost or duplicated (each coder's log
  of committed applications is exactly that coder's rows on the server, and nothing else is
  there), every client then reads the same counts, p95 apply latency printed. The floor
  beside it: one coder alone for 10 s on the same server, in the same run.
* **Connections cut** (needs ``QUALFRAME_TEST_DATABASE``): the same with every connection to
  the project cut twice during the burst (``pg_terminate_backend``).
* **Server restart** (needs the PostgreSQL server package, not a running server): the
  bench starts a throw-away server of its own (``tests/postgres/loopback.sh`` in its own
  directory, on a free port or ``QUALFRAME_BENCH_PG_PORT``), and while
  ``QUALFRAME_TEAM_RESTART_CODERS`` (default 8) coder processes apply codes it stops the
  server (``pg_ctl stop -m fast``: every session ends), keeps it down
  ``QUALFRAME_TEAM_OUTAGE`` (default 3) s and starts it again. Clients recover (each commits
  again after the restart), nothing committed is lost, nothing is applied twice (each
  coder's log compared with the server's rows and audit events).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding.commands import LoadTemplate
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import DocumentData, add_document_in
from qualframe.storage.models import AuditEvent, Code, Coder, Document, Segment
from tests import backend

ROOT = Path(__file__).resolve().parents[2]
CODER = Path(__file__).with_name("team_coder.py")
LOOPBACK = ROOT / "tests" / "postgres" / "loopback.sh"
SECONDS = float(os.environ.get("QUALFRAME_TEAM_SECONDS", "60"))
TEXT = "\n".join(
    f"R{i:03d}: the mentor met me every week and we planned the exams." for i in range(400)
)


def _project(tmp_path: Path, url: str | None = None) -> str:
    url = url or str(backend.new_location(tmp_path, "x"))
    with Project.create(url, coder="lead") as p:
        LoadTemplate("mentoring").do(p)
        with p.write() as s:
            add_document_in(s, "lead", DocumentData("interviews", TEXT), [])
    return url


def _connected(project: Project) -> int:
    from sqlalchemy import text

    with project.read() as s:
        return int(
            s.scalar(
                text(
                    "SELECT count(DISTINCT client_port) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            or 0
        )


def _wait_connected(url: str, coders: int) -> None:
    """Until every coder process is connected (and so coding)."""
    with Project.open(url, coder="admin") as admin:
        deadline = time.monotonic() + 120
        while _connected(admin) < coders and time.monotonic() < deadline:
            time.sleep(0.2)


Fault = Callable[[], object]


def _run(  # type: ignore[no-untyped-def]
    url: str, coders: int, seconds: float, faults: list[tuple[float, Fault]] | None = None
):
    """Run ``coders`` coder processes for ``seconds``; each fault runs at its time (seconds
    after every coder is connected); returns each coder's report, with ``faults``: what the
    faults returned."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(CODER), url, f"coder{i}", str(seconds), str(i)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for i in range(coders)
    ]
    done: list[object] = []
    injector = None
    if faults:

        def inject() -> None:
            _wait_connected(url, coders)
            start = time.monotonic()
            for at, fault in faults:
                time.sleep(max(0.0, start + at - time.monotonic()))
                done.append(fault())

        injector = threading.Thread(target=inject)
        injector.start()
    results = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=seconds + 180)
            assert p.returncode == 0, err[-2000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if injector is not None:
            injector.join()
    for r in results:
        r["faults"] = done
    return results


def _cut(url: str) -> Fault:
    from tests.coding.test_team import _kill_connections

    def cut() -> int:
        with Project.open(url, coder="admin") as admin:
            return _kill_connections(admin)

    return cut


def _check(url: str, results: list[dict[str, object]], coders: int) -> tuple[int, float]:
    """Nothing lost, nothing twice, nothing else: each coder's log of committed applications
    is exactly that coder's rows on the server (GUID, document, range, code), each row has
    one audit event; every client reads the same counts. Returns (segments, p95 latency)."""
    made = [g for r in results for g in r["made"]]  # type: ignore[attr-defined]
    assert len(made) == len(set(made))
    counts = []
    for i in range(coders):  # every client converges to the same counts
        with Project.open(url, coder=f"coder{i}", read_only=True) as p:
            counts.append(p.info()["segments"])
            if i == 0:
                rows = _server_rows(p)
    assert len(set(counts)) == 1 and counts[0] == len(rows["segments"])
    for i, r in enumerate(results):
        logged = Counter(tuple(e[:5]) for e in r["log"])  # type: ignore[attr-defined]
        there = Counter(t[1:] for t in rows["segments"] if t[0] == f"coder{i}")
        lost, extra = logged - there, there - logged
        assert not lost and not extra, f"coder{i}: {len(lost)} lost, {len(extra)} not logged"
    assert {t[1] for t in rows["segments"]} == set(made)  # and no one else's
    events = Counter(rows["apply_events"])
    assert all(events[g] == 1 for g in made) and set(events) == set(made)  # applied once each
    lat = sorted(x for r in results for x in r["latencies"])  # type: ignore[attr-defined]
    p95 = lat[int(0.95 * (len(lat) - 1))]
    return len(made), p95


def _server_rows(p: Project) -> dict[str, list[tuple[str, ...]]]:
    with p.read() as s:
        segments = s.execute(
            select(Coder.name, Segment.guid, Document.guid, Segment.start, Segment.end, Code.guid)
            .join(Coder, Coder.id == Segment.coder_id)
            .join(Document, Document.id == Segment.document_id)
            .join(Code, Code.id == Segment.code_id)
        ).all()
        events = s.scalars(
            select(AuditEvent.entity_guid).where(
                AuditEvent.action == "apply_code", AuditEvent.actor.like("coder%")
            )
        ).all()
    return {"segments": [tuple(r) for r in segments], "apply_events": [str(g) for g in events]}


@pytest.mark.server
def test_ten_coders_for_a_minute_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    floor_url = _project(tmp_path)
    floor_n, floor_p95 = _check(floor_url, _run(floor_url, 1, 10.0), 1)
    url = _project(tmp_path)
    results = _run(url, 10, SECONDS)
    n, p95 = _check(url, results, 10)
    med = statistics.median(x for r in results for x in r["latencies"])  # type: ignore[attr-defined]
    print(
        f"\n10 coders x {SECONDS:.0f} s: {n} segments applied ({n / SECONDS:.1f}/s), none lost or "
        f"duplicated; apply latency median {med * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
        f"(floor: 1 coder alone, {floor_n / 10:.1f}/s, p95 {floor_p95 * 1000:.0f} ms)"
    )


@pytest.mark.server
def test_connections_cut_during_a_burst_lose_nothing_and_apply_nothing_twice(
    tmp_path: Path,
) -> None:
    url = _project(tmp_path)
    seconds = min(SECONDS, 20.0)
    results = _run(
        url, 10, seconds, faults=[(seconds / 3, _cut(url)), (2 * seconds / 3, _cut(url))]
    )
    n, p95 = _check(url, results, 10)
    retries = sum(int(r["retries"]) for r in results)  # type: ignore[call-overload]
    cuts = results[0]["faults"]
    print(
        f"\n10 coders x {seconds:.0f} s, connections cut twice while coding ({cuts} cut): {n} "
        f"segments, none lost or duplicated; {retries} changes failed with the connection and "
        f"were retried with the same GUID (the rest reconnected before their next change), "
        f"p95 {p95 * 1000:.0f} ms"
    )
    assert len(cuts) == 2 and all(int(c) >= 10 for c in cuts)  # type: ignore[call-overload]


# -- a real server restart ---------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _loopback(verb: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(LOOPBACK), verb], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def own_server() -> Iterator[tuple[str, dict[str, str]]]:
    """A PostgreSQL server of this bench alone (its own directory and port), so that
    restarting it disturbs nobody; stopped and removed afterwards."""
    if not any(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("needs the PostgreSQL server package (make postgres-deps)")
    port = os.environ.get("QUALFRAME_BENCH_PG_PORT") or str(_free_port())
    where = f"/tmp/qualframe-bench-pg-{os.getpid()}"
    env = {**os.environ, "QUALFRAME_PG_DIR": where, "QUALFRAME_PG_PORT": port}
    url = _loopback("start", env)
    try:
        yield url, env
    finally:
        _loopback("stop", env)
        shutil.rmtree(where, ignore_errors=True)


def test_the_server_restarted_during_a_burst_loses_nothing_and_applies_nothing_twice(
    tmp_path: Path, own_server: tuple[str, dict[str, str]]
) -> None:
    from qualframe.storage.server import parse_url

    server, env = own_server
    url = _project(
        tmp_path, parse_url(server).set(database="restart").render_as_string(hide_password=False)
    )
    coders = int(os.environ.get("QUALFRAME_TEAM_RESTART_CODERS", "8"))
    hold = float(os.environ.get("QUALFRAME_TEAM_OUTAGE", "3"))
    seconds = min(SECONDS, 30.0)
    outage: dict[str, float] = {}

    def restart() -> float:
        outage["down"] = time.time()
        _loopback("stop", env)  # pg_ctl stop -m fast: every session is ended
        time.sleep(hold)
        _loopback("start", env)  # returns once the server accepts connections
        outage["up"] = time.time()
        return outage["up"] - outage["down"]

    results = _run(url, coders, seconds, faults=[(seconds / 3, restart)])
    n, p95 = _check(url, results, coders)
    (down,) = results[0]["faults"]
    # Clients recover: each committed again after the server was back.
    for i, r in enumerate(results):
        after = [e for e in r["log"] if float(e[5]) > outage["up"]]  # type: ignore[attr-defined]
        assert after, f"coder{i} committed nothing after the restart"
    before = sum(1 for r in results for e in r["log"] if float(e[5]) < outage["down"])  # type: ignore[attr-defined]
    retries = sum(int(r["retries"]) for r in results)  # type: ignore[call-overload]
    refused = sum(int(r["refused"]) for r in results)  # type: ignore[call-overload]
    lat = sorted(x for r in results for x in r["latencies"])  # type: ignore[attr-defined]
    print(
        f"\n{coders} coders x {seconds:.0f} s, server stopped and started again after "
        f"{seconds / 3:.0f} s, down {down:.1f} s (pg_ctl stop -m fast, {hold:.0f} s held, "
        f"start -w): {n} segments ({n / seconds:.1f}/s; {before} committed before the stop), "
        f"lost 0, applied twice 0 (each coder's log = its rows and audit events); {retries} "
        f"changes failed with the connection and were retried with the same GUID; every "
        f"coder committed again after the restart; apply latency p95 {p95 * 1000:.0f} ms, "
        f"max {lat[-1]:.1f} s (the changes that waited out the outage); {refused} refused by "
        f"the project (the same passage, code and coder twice), not counted"
    )

"""One simulated coder for tests/bench/test_bench_team.py: applies codes to a server project
for DURATION seconds through the undo history (so every change is announced), retrying a
change whose connection broke with the same GUID (so a change that did commit before the
break is never applied twice), and prints JSON: its log of committed applications (GUID,
document, start, end, code, when), each apply's latency, and how many changes failed with
the connection and were retried.

    python tests/bench/team_coder.py URL CODER DURATION SEED
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid

from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.commands import ApplyCode, UndoStack
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import list_documents
from qualframe.storage.errors import ConnectionLostError, ProjectError


def main() -> None:
    url, coder, duration, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    project = Project.open(url, coder=coder)
    docs = [(d.guid, d.length) for d in list_documents(project)]
    codes = [c.guid for c in code_tree(project)]
    stack = UndoStack(project, limit=10)
    made: list[str] = []
    log: list[list[object]] = []  # [guid, document, start, end, code, time.time()]
    latencies: list[float] = []
    retries = refused = 0
    end = time.monotonic() + duration
    while time.monotonic() < end:
        doc, length = rng.choice(docs)
        start = rng.randrange(0, length - 40)
        guid = str(uuid.uuid4())
        end_ = start + rng.randrange(5, 40)
        code = rng.choice(codes)
        command = ApplyCode(doc, start, end_, code, guid=guid)
        t0 = time.perf_counter()
        committed = False
        while True:
            try:
                project.set_offline(None)
                stack.push(command)
                committed = True
                break
            except ConnectionLostError:
                retries += 1  # the server went away: try the same change (same GUID) again
                project.db.engine.dispose()
                time.sleep(0.2)
                if time.monotonic() > end + 60:
                    raise
            except ProjectError:
                # Refused (the same GUID already there: it committed before the connection
                # broke; or a rule of the project): made only if the segment exists.
                committed = _exists(project, guid)
                break
        if committed:
            latencies.append(time.perf_counter() - t0)
            made.append(guid)
            log.append([guid, doc, start, end_, code, time.time()])
        else:
            refused += 1
    project.close()
    out = {
        "made": made,
        "log": log,
        "latencies": latencies,
        "retries": retries,
        "refused": refused,
    }
    print(json.dumps(out))


def _exists(project: Project, guid: str) -> bool:
    from sqlalchemy import func, select

    from qualframe.storage.models import Segment

    while True:
        try:
            with project.read() as s:
                return bool(s.scalar(select(func.count()).where(Segment.guid == guid)))
        except ConnectionLostError:
            project.db.engine.dispose()
            time.sleep(0.2)


if __name__ == "__main__":
    main()

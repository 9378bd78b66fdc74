"""Summary of the last mutation run (``make mutate``): per module, the mutants killed, the
survivors, and the kill rate over the mutants that are not equivalent.

mutmut (``[tool.mutmut]`` in pyproject.toml) leaves one ``*.py.meta`` JSON file per mutated
module under ``mutants/``, with each mutant's exit code. ``equivalent.toml`` beside this file
names the mutants judged equivalent (they change no behaviour any caller can observe), each
with the reason; they do not count against the rate. A listed mutant that no longer exists
(the code changed, so mutmut numbered its mutants anew) or that a test kills is reported, so
the list cannot go stale silently.

Exit status 1 when a module is below the required rate (:data:`REQUIRED`), or when a mutant
was not run.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
EQUIVALENT = Path(__file__).with_name("equivalent.toml")
REQUIRED = 95.0

#: mutmut's exit codes (mutmut/stats.py), folded into what the rate needs.
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout",
          152: "timeout", 255: "timeout", -11: "killed", -9: "killed"}  # fmt: skip
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def status(code: int | None) -> str:
    if code is None:
        return "not run"
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return SURVIVED[code]
    return {34: "skipped", 37: "caught by type check"}.get(code, "suspicious")


def module_of(mutant: str) -> str:
    return mutant.partition(".x_")[0].partition(".xǁ")[0]


def load() -> dict[str, str]:
    """mutant name → status, for every mutant of the last run."""
    out: dict[str, str] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            out[name] = status(code)
    return out


def main() -> int:
    if not MUTANTS.is_dir():
        print("No mutation run yet: run `make mutate`.")
        return 1
    results = load()
    equivalent: dict[str, str] = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))["equivalent"]
    problems: list[str] = []
    for name in equivalent:
        if name not in results:
            problems.append(f"listed as equivalent but no such mutant (renumbered?): {name}")
        elif results[name] == "killed":
            problems.append(f"listed as equivalent but killed by a test: {name}")
    by_module: dict[str, Counter[str]] = {}
    survivors: list[str] = []
    for name, state in sorted(results.items()):
        counts = by_module.setdefault(module_of(name), Counter())
        if state in ("survived", "no tests") and name in equivalent:
            state = "equivalent"
        counts[state] += 1
        if state in ("survived", "no tests", "suspicious"):
            survivors.append(f"{state:9}  {name}")
    not_run = sum(c["not run"] for c in by_module.values())
    if not_run:
        problems.append(f"{not_run} mutants were not run (`make mutate` runs them all)")
    width = max(len(m) for m in by_module) if by_module else 10
    print(f"\n{'module':{width}}  mutants  killed  equivalent  survived  kill rate")
    failing = False
    for module, c in sorted(by_module.items()):
        judged = sum(c.values()) - c["equivalent"] - c["skipped"] - c["caught by type check"]
        judged -= c["not run"]
        rate = 100.0 * c["killed"] / judged if judged else None
        failing |= rate is not None and rate < REQUIRED
        alive = c["survived"] + c["no tests"] + c["suspicious"]
        shown = "not run" if rate is None else f"{rate:.1f}%"
        print(
            f"{module:{width}}  {sum(c.values()):7}  {c['killed']:6}  {c['equivalent']:10}  "
            f"{alive:8}  {shown:>9}"
        )
    if survivors:
        print("\nSurvivors (inspect with `.venv/bin/mutmut show NAME`):")
        print("\n".join(survivors))
    for p in problems:
        print(p)
    print(f"\nRequired: ≥ {REQUIRED:.0f}% of the non-equivalent mutants killed in every module.")
    return 1 if failing or problems else 0


if __name__ == "__main__":
    sys.exit(main())

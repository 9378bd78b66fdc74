"""The audit trail's hash chain and the codebook states, kept by the store itself; and the
0011 upgrade that chains the events of an existing project."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from qualframe.storage import migrate
from qualframe.storage.database import create_project, open_project
from qualframe.storage.models import AuditEvent, Code, Review
from qualframe.storage.sqlite import APPLICATION_ID
from qualframe.storage.trail import STATE_ACTION, check_chain, format_at

ROW = (
    AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.entity,
    AuditEvent.entity_guid, AuditEvent.details, AuditEvent.prev_hash, AuditEvent.hash,
)  # fmt: skip


def chain_of(db):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return check_chain(s.execute(select(*ROW).order_by(AuditEvent.id)).all())


def test_every_event_is_chained_to_the_one_before(tmp_path: Path) -> None:
    db = create_project(tmp_path / "p.qualframe")
    try:
        with db.write() as s:
            s.add(AuditEvent(actor="kim", action="apply_code", entity="segment", details={"a": 1}))
            s.add(AuditEvent(actor="kim", action="rename_code", entity="code"))
        with db.write() as s:
            s.add(AuditEvent(actor="lee", action="review_segment", entity="review"))
        with db.read() as s:
            events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert events[0].prev_hash is None
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        # the hash is an independent SHA-256 of the canonical content
        e = events[0]
        content = [1, "", format_at(e.at), "kim", "apply_code", "segment", "", {"a": 1}]
        canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert e.hash == hashlib.sha256(canonical.encode()).hexdigest()
        check = chain_of(db)
        assert check.intact and check.events == 3 and check.head == events[-1].hash
    finally:
        db.close()


def _alter(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("sql", "event", "reason"),
    [
        ("UPDATE audit_events SET actor = 'someone' WHERE id = 2", 2, "altered"),
        ("UPDATE audit_events SET details = '{\"a\": 2}' WHERE id = 1", 1, "altered"),
        ("UPDATE audit_events SET at = '2020-01-01 00:00:00.000000' WHERE id = 3", 3, "altered"),
        ("DELETE FROM audit_events WHERE id = 2", 3, "unlinked"),
    ],
)
def test_an_event_altered_outside_the_application_breaks_the_chain_there(
    tmp_path: Path, sql: str, event: int, reason: str
) -> None:
    path = tmp_path / "p.qualframe"
    db = create_project(path)
    with db.write() as s:
        for i in range(4):
            s.add(AuditEvent(actor="kim", action="apply_code", entity="segment", details={"a": i}))
    db.close()
    _alter(path, sql)
    db = open_project(path, read_only=True)
    try:
        check = chain_of(db)
        assert check.broken is not None
        assert (check.broken.event_id, check.broken.reason) == (event, reason)
    finally:
        db.close()


def test_code_changes_are_recorded_as_codebook_states(tmp_path: Path) -> None:
    db = create_project(tmp_path / "p.qualframe")
    try:
        with db.write() as s:
            s.info["actor"] = "kim"
            theme = Code(name="Outcomes")
            s.add(theme)
            s.flush()
            child = Code(name="Motivation", parent_id=theme.id, definition="Wanting to study")
            s.add(child)
        with db.write() as s:
            s.scalars(select(Code).where(Code.name == "Motivation")).one().definition = "New"
        with db.write() as s:  # a position alone is not a change of the codebook
            s.scalars(select(Code).where(Code.name == "Motivation")).one().position = 5
        with db.write() as s:  # the sub-code goes by the database's cascade
            s.delete(s.scalars(select(Code).where(Code.name == "Outcomes")).one())
        with db.read() as s:
            states = [
                (e.actor, e.entity_guid, e.details)
                for e in s.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action == STATE_ACTION)
                    .order_by(AuditEvent.id)
                )
            ]
        guids = [g for _, g, _ in states]
        theme_guid, child_guid = guids[0], guids[1]
        assert states[0][0] == "kim"
        assert states[0][2]["state"]["name"] == "Outcomes"
        assert states[1][2]["state"]["parent"] == theme_guid
        assert states[2] == (
            "unknown",
            child_guid,
            {"state": {**states[1][2]["state"], "definition": "New"}},
        )
        assert sorted(states[3:], key=lambda x: x[1]) == sorted(
            [
                ("unknown", theme_guid, {"deleted": True}),
                ("unknown", child_guid, {"deleted": True}),
            ],
            key=lambda x: x[1],
        )
        assert len(states) == 5
        assert chain_of(db).intact
    finally:
        db.close()


def _project_at(path: Path, revision: str) -> None:
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO codes (id, guid, name, color, definition, inclusion, exclusion, "
                "example, position, created_at, updated_at) VALUES (1, 'g-1', 'Outcomes', "
                "'#FFD54F', 'Results', '', '', '', 0, '2026-01-01', '2026-01-01'), (2, 'g-2', "
                "'Motivation', '#FFD54F', '', '', '', '', 0, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(text("UPDATE codes SET parent_id = 1 WHERE id = 2"))
        for i, action in enumerate(["add_code", "add_code", "apply_code"]):
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, entity, entity_guid, details) "
                    f"VALUES ('2026-01-0{i + 1} 10:00:00.000000', 'ana', '{action}', 'code', "
                    f"'g-{i}', '{{\"n\": {i}}}')"
                )
            )
    engine.dispose()


def test_the_upgrade_chains_existing_events_and_records_the_codebook_as_it_stood(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.qualframe"
    _project_at(path, "0006")
    db = open_project(path)
    try:
        with db.read() as s:
            events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert [e.action for e in events] == ["add_code", "add_code", "apply_code"] + [
            STATE_ACTION
        ] * 2
        assert events[3].details == {
            "state": {
                "name": "Outcomes", "parent": None, "position": 0, "definition": "Results",
                "inclusion": "", "exclusion": "", "example": "",
            },
            "baseline": True,
        }  # fmt: skip
        assert events[4].details["state"]["parent"] == "g-1"
        check = chain_of(db)
        assert check.intact and check.events == 5
        # new events continue the chain
        with db.write() as s:
            s.add(AuditEvent(actor="kim", action="apply_code", entity="segment"))
        assert chain_of(db).intact and chain_of(db).events == 6
    finally:
        db.close()


def test_after_the_upgrade_a_segment_thread_may_hold_answers_but_no_other_verdict(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.qualframe"
    _project_at(path, "0006")
    db = open_project(path)
    db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute(
        "INSERT INTO reviews (id, guid, segment_id, reviewer_id, verdict, comment, created_at) VALUES (1, 'r1', 1, 1, 'answer', '', '2026-01-01')"
    )
    con.commit()
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute(
            "INSERT INTO reviews (id, guid, segment_id, reviewer_id, verdict, comment, created_at) VALUES (2, 'r2', 1, 1, 'maybe', '', '2026-01-01')"
        )
    con.close()
    db = open_project(path, read_only=True)
    with db.read() as s:
        assert [r.verdict for r in s.scalars(select(Review))] == ["answer"]
    db.close()

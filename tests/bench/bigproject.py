"""A big, realistic-looking project for benchmarks (shared by the matrix and GUI benchmarks).

``build_big_project(path)`` writes a project with ``transcripts`` focus-group transcripts of
about ``words_per_transcript`` invented words each, mentors and mentees (and one moderator)
speaking in turns, a three-level codebook of ``codes`` nodes and ``segments`` coded segments
spread over documents, codes and three coders. Everything is inserted with bulk SQLAlchemy
Core statements in one transaction. The result is cached under ``/tmp`` by its parameters,
so a second call only copies the file.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from qualframe.coding.core.project import Project
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Code,
    Coder,
    Document,
    Participant,
    Segment,
    Turn,
)

CACHE_DIR = Path(tempfile.gettempdir()) / "qualframe-bench"
CACHE_VERSION = 1

# Invented vocabulary: mentoring talk, study life, a little medicine. No sentence is taken
# from anywhere; the generator strings these words together.
_WORDS = [
    "study",
    "plan",
    "exam",
    "review",
    "mentor",
    "mentee",
    "session",
    "library",
    "week",
    "block",
    "anatomy",
    "physiology",
    "notes",
    "lecture",
    "question",
    "answer",
    "chart",
    "diagram",
    "flashcard",
    "schedule",
    "deadline",
    "pressure",
    "motivation",
    "habit",
    "morning",
    "evening",
    "coffee",
    "friend",
    "senior",
    "junior",
    "advice",
    "strategy",
    "practice",
    "vignette",
    "pharmacology",
    "enzyme",
    "cycle",
    "kidney",
    "heart",
    "lung",
    "rotation",
    "ward",
    "patient",
    "history",
    "lab",
    "quiz",
    "feedback",
    "reflection",
    "confidence",
    "anxiety",
    "rapport",
    "trust",
    "meeting",
    "message",
    "phone",
    "chat",
    "group",
    "cafeteria",
    "dormitory",
    "semester",
    "first",
    "second",
    "third",
    "fourth",
    "year",
    "homework",
    "summary",
    "outline",
    "mistake",
    "progress",
    "chapter",
    "textbook",
    "slide",
    "handout",
    "recording",
    "timetable",
    "break",
    "sleep",
    "exercise",
    "balance",
    "honest",
    "helpful",
    "useful",
    "difficult",
    "easy",
    "slowly",
    "quickly",
    "together",
    "alone",
    "again",
    "always",
    "sometimes",
    "never",
    "usually",
    "really",
    "actually",
    "honestly",
    "maybe",
    "probably",
    "because",
    "although",
    "when",
    "while",
    "before",
    "after",
    "during",
    "I",
    "you",
    "we",
    "they",
    "she",
    "he",
    "it",
    "my",
    "our",
    "their",
    "was",
    "were",
    "is",
    "are",
    "have",
    "had",
    "did",
    "do",
    "would",
    "could",
    "should",
    "the",
    "a",
    "an",
    "and",
    "but",
    "so",
    "then",
    "also",
    "just",
    "very",
    "quite",
    "more",
    "less",
    "most",
    "least",
    "about",
    "with",
    "without",
]

_THEME_WORDS = (
    "Outcomes", "Mutual benefits", "Factors of success", "Negative experiences",
    "Suggestions for improvement", "Relationships", "Programme logistics", "Learning climate",
)  # fmt: skip
_CATEGORY_WORDS = (
    "Academic", "Emotional", "Interpersonal", "Practical", "Personal", "Structural",
    "Motivational", "Reflective", "Organisational", "Social",
)  # fmt: skip
_CODE_WORDS = (
    "exam preparation", "study planning", "time management", "reflective writing",
    "peer feedback", "less anxiety", "more confidence", "closeness", "shared meals",
    "volunteer credit", "mentor training", "clear purpose", "matching", "review sessions",
    "note structure", "test-taking", "self-regulation", "attendance", "daily routine",
    "pressure felt", "missed homework", "late contact", "joy of helping", "responsibility",
)  # fmt: skip


def _cache_file(transcripts: int, words: int, segments: int, codes: int) -> Path:
    return (
        CACHE_DIR / f"big-v{CACHE_VERSION}-t{transcripts}-w{words}-s{segments}-c{codes}.qualframe"
    )


def build_big_project(
    path: Path,
    *,
    transcripts: int = 300,
    words_per_transcript: int = 8000,
    segments: int = 60000,
    codes: int = 400,
) -> None:
    """Write the big benchmark project to ``path`` (which must not exist yet)."""
    path = Path(path)
    cached = _cache_file(transcripts, words_per_transcript, segments, codes)
    if not cached.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".building-", suffix=".qualframe", dir=CACHE_DIR)
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()
        try:
            _build(tmp, transcripts, words_per_transcript, segments, codes)
            os.replace(tmp, cached)
        finally:
            for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}.lock")):
                p.unlink(missing_ok=True)
    shutil.copyfile(cached, path)


def _guid() -> str:
    return str(uuid.uuid4())


def _codebook(n: int, rng: random.Random) -> list[dict[str, object]]:
    """``n`` code rows in three levels: themes, categories under them, codes under those."""
    n_themes = max(1, min(len(_THEME_WORDS) * 3, round(n / 50)))
    n_categories = max(n_themes, min(n - n_themes, round(n / 8)))
    n_leaves = max(0, n - n_themes - n_categories)
    rows: list[dict[str, object]] = []
    next_id = 1

    def add(name: str, parent: int | None, position: int) -> int:
        nonlocal next_id
        cid = next_id
        next_id += 1
        rows.append(
            dict(
                id=cid, guid=_guid(), parent_id=parent, name=name, color="#FFD54F",
                definition=f"Passages about {name.lower()}.", inclusion="", exclusion="",
                example="", position=position,
            )
        )  # fmt: skip
        return cid

    themes = [
        add(
            _THEME_WORDS[i % len(_THEME_WORDS)]
            + ("" if i < len(_THEME_WORDS) else f" {i // len(_THEME_WORDS) + 1}"),
            None,
            i,
        )
        for i in range(n_themes)
    ]
    categories = []
    for i in range(n_categories):
        parent = themes[i % n_themes]
        word = _CATEGORY_WORDS[(i // n_themes) % len(_CATEGORY_WORDS)]
        categories.append(add(f"{word} aspects {i + 1}", parent, i // n_themes))
    for i in range(n_leaves):
        parent = categories[i % n_categories]
        add(
            f"{_CODE_WORDS[rng.randrange(len(_CODE_WORDS))].capitalize()} {i + 1}",
            parent,
            i // n_categories,
        )
    return rows


def _build(path: Path, transcripts: int, words: int, n_segments: int, n_codes: int) -> None:
    rng = random.Random(20240601)
    project = Project.create(path, coder="bench")
    now = datetime(2024, 6, 1, 9, 0, 0)
    try:
        with project.db.engine.begin() as con:
            coders = [
                dict(id=i + 1, guid=_guid(), name=n, role="analyst", created_at=now)
                for i, n in enumerate(("Ha-eun", "Jordan", "Priya"))
            ]
            con.execute(insert(Coder), coders)
            con.execute(
                insert(Attribute),
                [
                    dict(id=1, guid=_guid(), name="role", type="category", position=0),
                    dict(id=2, guid=_guid(), name="gender", type="category", position=1),
                    dict(id=3, guid=_guid(), name="year", type="number", position=2),
                ],
            )
            # A pool of participants: mentors M1.., mentees E1.., plus one moderator.
            n_people = max(8, transcripts // 2)
            people = [
                dict(id=1, guid=_guid(), pseudonym="Moderator", real_name=None,
                     is_interviewer=True, created_at=now)
            ]  # fmt: skip
            values = []
            for i in range(n_people):
                role = "mentor" if i % 2 == 0 else "mentee"
                pid = i + 2
                people.append(
                    dict(
                        id=pid, guid=_guid(),
                        pseudonym=("M" if role == "mentor" else "E") + str(i // 2 + 1),
                        real_name=None, is_interviewer=False, created_at=now,
                    )
                )  # fmt: skip
                values.append(dict(participant_id=pid, attribute_id=1, value=role))
                values.append(
                    dict(participant_id=pid, attribute_id=2, value=rng.choice(("female", "male")))
                )
                year = rng.choice((4, 5, 6)) if role == "mentor" else rng.choice((1, 2))
                values.append(dict(participant_id=pid, attribute_id=3, value=str(year)))
            con.execute(insert(Participant), people)
            con.execute(insert(AttributeValue), values)

            docs = []
            turns = []
            turn_id = 0
            turns_by_doc: list[list[tuple[int, int, int, bool]]] = []
            for d in range(transcripts):
                speakers = rng.sample(people[1:], k=min(5, len(people) - 1))
                parts: list[str] = []
                pos = 0
                doc_turns: list[tuple[int, int, int, bool]] = []
                written = 0
                first = True
                while written < words:
                    interviewer = first or rng.random() < 0.15
                    first = False
                    who = people[0] if interviewer else rng.choice(speakers)
                    n = rng.randint(25, 60) if interviewer else rng.randint(60, 220)
                    body = " ".join(rng.choices(_WORDS, k=n))
                    body = body[0].upper() + body[1:] + "."
                    label = str(who["pseudonym"])
                    line = f"{label}: {body}"
                    turn_id += 1
                    turns.append(
                        dict(
                            id=turn_id, guid=_guid(), document_id=d + 1,
                            participant_id=who["id"], survey_item_id=None, start=pos,
                            end=pos + len(line), label=label, label_end=pos + len(label) + 1,
                            is_interviewer=interviewer,
                        )
                    )  # fmt: skip
                    doc_turns.append((turn_id, pos + len(label) + 2, pos + len(line), interviewer))
                    parts.append(line)
                    pos += len(line) + 2
                    written += n
                text = "\n\n".join(parts) + "\n"
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                docs.append(
                    dict(
                        id=d + 1, guid=_guid(), name=f"FGI {d + 1:03d}", kind="transcript",
                        text=text, length=len(text), original_filename=f"fgi_{d + 1:03d}.txt",
                        content_hash=digest, text_hash=digest, source_encoding="utf-8",
                        imported_at=now, position=d,
                    )
                )  # fmt: skip
                turns_by_doc.append(doc_turns)
            con.execute(insert(Document), docs)
            con.execute(insert(Turn), turns)

            code_rows = _codebook(n_codes, rng)
            for row in code_rows:
                row["created_at"] = now
                row["updated_at"] = now
            con.execute(insert(Code), code_rows)
            parents = {r["parent_id"] for r in code_rows}
            leaves = [int(str(r["id"])) for r in code_rows if r["id"] not in parents]
            inner = [int(str(r["id"])) for r in code_rows if r["id"] in parents]

            segs: list[dict[str, object]] = []
            seen: set[tuple[int, int, int, int, int]] = set()
            while len(segs) < n_segments:
                d = rng.randrange(transcripts)
                tid, tstart, tend, _ = rng.choice(turns_by_doc[d])
                start = rng.randrange(tstart, max(tstart + 1, tend - 20))
                end = min(tend, start + rng.randint(20, 400))
                code = (
                    rng.choice(leaves) if (rng.random() < 0.9 or not inner) else rng.choice(inner)
                )
                coder = rng.randint(1, 3)
                key = (d + 1, code, coder, start, end)
                if end <= start or key in seen:
                    continue
                seen.add(key)
                segs.append(
                    dict(
                        guid=_guid(), document_id=d + 1, code_id=code, coder_id=coder,
                        turn_id=tid, start=start, end=end, memo="",
                        is_exemplar=rng.random() < 0.01, created_at=now, updated_at=now,
                    )
                )  # fmt: skip
            con.execute(insert(Segment), segs)
    finally:
        project.close()


def add_big_code(project: Project, n: int = 5_000) -> str:
    """A code "Bench retrieval" on ``n`` segments spread over the non-interviewer turns of
    the project (about 120 characters each); returns its GUID."""
    rng = random.Random(5)
    now = datetime(2026, 1, 1)
    with project.write() as s:
        code_id = int(s.scalar(select(func.max(Code.id))) or 0) + 1
        guid = str(uuid.uuid4())
        s.execute(insert(Code), [dict(id=code_id, guid=guid, parent_id=None, name="Bench retrieval",
                                      color="#FFB74D", definition="", inclusion="", exclusion="",
                                      example="", position=999, created_at=now, updated_at=now)])  # fmt: skip
        turns = s.execute(select(Turn.id, Turn.document_id, Turn.start, Turn.end)
                          .join(Document, Document.id == Turn.document_id)
                          .where(Turn.is_interviewer.is_(False), Document.name != "Long FGI")
                          .limit(20000)).all()  # fmt: skip
        rows = []
        for t in rng.sample(turns, n):
            start = t.start + (t.end - t.start) // 3
            rows.append(dict(guid=str(uuid.uuid4()), document_id=t.document_id, code_id=code_id,
                             coder_id=1, turn_id=t.id, start=start, end=min(t.end, start + 120),
                             memo="", is_exemplar=False, created_at=now, updated_at=now))  # fmt: skip
        s.execute(insert(Segment), rows)
    return guid

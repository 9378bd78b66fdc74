"""The one segment filter shared by listing, retrieval and the matrix drill-down, and the
document texts kept between listings."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from qualframe.coding.commands import AddCode, ApplyCode, UndoStack
from qualframe.coding.core.errors import NotFoundError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
from qualframe.coding.query import retrieval
from qualframe.coding.query.filters import SegmentFilter, Where, fold
from qualframe.coding.query.participant_tallies import Tally, participant_tallies
from qualframe.coding.query.segments import filtered_segments, list_segments
from qualframe.coding.query.texts import TextCache, document_texts
from qualframe.storage.models import Document, Participant
from tests.coding.helpers import add_transcript

TURNS = [
    ("Moderator", "Wie hat das Mentoring geholfen?"),
    ("A1", "Die Ärztin hat mir beim Lernplan geholfen."),
    ("A2", "Wir haben jede Woche geübt 📅 und es hat geholfen."),
    ("A3", "Ich hatte keinen Mentor."),
]


@pytest.fixture
def study(project: Project) -> dict[str, str]:
    """One transcript; A1 a female mentee, A2 a male mentee, A3 (no attributes); every turn
    coded "Hilfe" (the moderator's too), A2's also with the sub-code "Lernplan" by a second
    coder; returns the GUIDs."""
    doc, text = add_transcript(project, "fgi", TURNS)
    values = {"A1": ("Mentee", "ÄRZTIN"), "A2": ("mentee", "Student")}
    for person in list_participants(project):
        if person.pseudonym in values:
            role, job = values[person.pseudonym]
            set_participant_attribute(project, person.guid, "role", role)
            set_participant_attribute(project, person.guid, "Beruf", job)
    stack = UndoStack(project)
    theme = stack.push(AddCode("Hilfe")).created_guid
    sub = stack.push(AddCode("Lernplan", theme)).created_guid
    assert theme and sub
    for _, speech in TURNS:
        i = text.index(speech)
        stack.push(ApplyCode(doc, i, i + len(speech), theme))
    project.coder = "Zweite Kodiererin"
    i = text.index("jede Woche geübt 📅")
    stack.push(ApplyCode(doc, i, i + len("jede Woche geübt 📅"), sub))
    project.coder = "tester"
    guids = {"doc": doc, "theme": theme, "sub": sub}
    guids |= {p.pseudonym: p.guid for p in list_participants(project)}
    return guids


def speakers(project: Project, f: SegmentFilter) -> list[str | None]:
    with project.read() as s:
        return [r.speaker for r in filtered_segments(s, f)]


def test_each_condition_of_the_filter(project: Project, study: dict[str, str]) -> None:
    every = ["Moderator", "A1", "A2", "A2", "A3"]
    assert speakers(project, SegmentFilter()) == every
    assert speakers(project, SegmentFilter(code_guid=study["theme"])) == every[:2] + every[3:]
    assert speakers(project, SegmentFilter(code_guid=study["sub"])) == ["A2"]
    assert (
        speakers(project, SegmentFilter(code_guid=study["theme"], include_descendants=True))
        == every
    )
    assert speakers(project, SegmentFilter(documents=(study["doc"],))) == every
    assert speakers(project, SegmentFilter(documents=("no-such-document",))) == []
    assert speakers(project, SegmentFilter(coders=(" zweite KODIERERIN ",))) == ["A2"]
    assert speakers(project, SegmentFilter(coders=("nobody",))) == []
    assert speakers(project, SegmentFilter(coders=("nobody", "Tester"))) == every[:3] + every[4:]
    assert speakers(project, SegmentFilter(participant_guid=study["A3"])) == ["A3"]
    assert speakers(project, SegmentFilter(participant_guid="gone")) == []
    assert speakers(project, SegmentFilter(include_interviewer=False)) == every[1:]
    # Attribute values and names match case-insensitively beyond ASCII, and with spaces
    # evened out, as the theme matrix groups them ("mentee" is a mentee).
    mentees = (Where("ROLE", "mentee"),)
    assert speakers(project, SegmentFilter(where=mentees)) == ["A1", "A2", "A2"]
    doctor = (Where("beruf", "ärztin"),)
    assert speakers(project, SegmentFilter(where=doctor)) == ["A1"]
    assert speakers(project, SegmentFilter(where=(*mentees, Where("Beruf", "student")))) == [
        "A2",
        "A2",
    ]
    assert speakers(project, SegmentFilter(where=(Where("role", "mentor"),))) == []
    both = SegmentFilter(where=mentees, participant_guid=study["A1"], code_guid=study["theme"])
    assert speakers(project, both) == ["A1"]
    with project.read() as s:
        one = filtered_segments(s, SegmentFilter())[1]
        (again,) = filtered_segments(s, SegmentFilter(segment_guids=(one.guid,)))
        assert again == one
        assert filtered_segments(s, SegmentFilter(segment_guids=())) == []
        with pytest.raises(NotFoundError, match=r"That code no longer exists\."):
            SegmentFilter(code_guid="gone").clauses(s)


def test_listing_and_retrieval_use_the_same_filter(project: Project, study: dict[str, str]) -> None:
    cases: list[dict[str, object]] = [
        {"where": [Where.parse("beruf=ÄRZTIN")]},
        {"coder": "ZWEITE kodiererin"},
        {"document_guid": study["doc"], "code_guid": study["theme"]},
        {"code_guid": study["theme"], "include_descendants": True},
    ]
    for kwargs in cases:
        listed = [s.guid for s in list_segments(project, **kwargs)]  # type: ignore[arg-type]
        fetched, _ = retrieval.fetch(project, **kwargs)  # type: ignore[arg-type]
        assert [r.guid for r in fetched] == listed and listed


def test_fold_and_where_parse() -> None:
    assert fold("  Ärztin \t im  Dienst ") == "ärztin im dienst"
    assert fold("STRASSE") == fold("straße")  # casefold, not lower
    assert Where.parse(" role = mentee ") == Where("role", "mentee")
    with pytest.raises(Exception, match='"role" is not a condition'):
        Where.parse("role")


def test_quotes_come_from_each_text_read_once_and_kept(
    project: Project, study: dict[str, str]
) -> None:
    listed = list_segments(project)
    assert [s.text for s in listed][2:4] == [
        "Wir haben jede Woche geübt 📅 und es hat geholfen.",
        "jede Woche geübt 📅",  # offsets are code points: the emoji is one
    ]
    # A text that changes (with its hash, as every writer must) is read again …
    with project.write() as s:
        s.execute(
            update(Document)
            .where(Document.guid == study["doc"])
            .values(text=Document.text + "!", text_hash="changed")
        )
    assert list_segments(project)[0].text == listed[0].text
    with project.write() as s:
        s.execute(
            update(Document)
            .where(Document.guid == study["doc"])
            .values(text="X" + Document.text, text_hash="changed again")
        )
    # The same offsets now point one character earlier in the old text.
    assert list_segments(project)[0].text == " " + listed[0].text[:-1]
    # … and so is one whose length changed although its hash did not.
    with project.write() as s:
        s.execute(
            update(Document)
            .where(Document.guid == study["doc"])
            .values(text="YY" + Document.text, length=Document.length + 2)
        )
    assert list_segments(project)[0].text == "r: " + listed[0].text[:-3]


def test_the_text_cache_is_bounded(project: Project, study: dict[str, str]) -> None:
    add_transcript(project, "second", [("B1", "Noch ein Text.")])
    with project.read() as s:
        ids = set(s.scalars(select(Document.id)))
        cache = TextCache(max_chars=120)
        texts = cache.texts(s, ids)
        assert sorted(t[2] for t in texts.values()) == ["fgi", "second"]
        # The long transcript does not fit: it is read every time, the short one is kept.
        assert list(cache._texts) == [max(ids)] and cache._chars == len(texts[max(ids)][3])
        assert cache.texts(s, ids) == texts
        tiny = TextCache(max_chars=10)
        tiny.texts(s, ids)
        assert not tiny._texts and tiny._chars == 0
        # Through the shared cache: the same texts.
        assert document_texts(s, ids) == texts
        assert document_texts(s, set()) == {}


def test_a_listed_segment_carries_every_field(project: Project, study: dict[str, str]) -> None:
    from qualframe.coding.commands import SetExemplar, SetSegmentMemo

    every = list_segments(project)
    a2 = every[2]
    UndoStack(project).push(SetSegmentMemo(a2.guid, "why"))
    UndoStack(project).push(SetExemplar(a2.guid, True))
    moderator, a1, a2, a2_sub, a3 = list_segments(project)
    text = next(t for g, _, t in _texts(project) if g == study["doc"])
    start = text.index("Wir haben")
    assert a2 == a2._replace(
        guid=a2.guid, document_guid=study["doc"], document_name="fgi", start=start,
        end=start + len(TURNS[2][1]), text=TURNS[2][1],
        code_guid=study["theme"], code_path=("Hilfe",), coder="tester", memo="why",
        is_exemplar=True, speaker="A2", participant_guid=study["A2"], is_interviewer=False,
        attributes={"role": "mentee", "Beruf": "Student"},
    )  # fmt: skip
    assert a2.end - a2.start == len(a2.text) and a2.created_at is not None
    assert (moderator.speaker, moderator.is_interviewer, moderator.participant_guid) == (
        "Moderator", True, None,
    )  # fmt: skip
    assert moderator.attributes == {} and a3.attributes == {}
    assert a1.attributes == {"role": "Mentee", "Beruf": "ÄRZTIN"}
    assert (a2_sub.coder, a2_sub.code_path, a2_sub.code_guid) == (
        "Zweite Kodiererin", ("Hilfe", "Lernplan"), study["sub"],
    )  # fmt: skip
    assert a2_sub.code_path_text == "Hilfe/Lernplan"
    assert a1.attributes is not list_segments(project)[1].attributes  # each listing its own
    assert [s.guid for s in list_segments(project, limit=2)] == [moderator.guid, a1.guid]
    assert list_segments(project, limit=0) == []


def _texts(project: Project) -> list[tuple[str, str, str]]:
    from qualframe.coding.corpus.documents import document_texts as all_texts

    return all_texts(project)


def test_order_is_document_then_position_in_it(project: Project, study: dict[str, str]) -> None:
    from qualframe.coding.corpus.documents import document_text

    # A second document named so that it sorts first, but imported (positioned) second.
    later, _ = add_transcript(project, "a-first-by-name", [("A1", "Zweites Gespräch.")])
    stack = UndoStack(project)
    stack.push(ApplyCode(later, 0, 2, study["theme"]))
    text = document_text(project, study["doc"])
    stack.push(ApplyCode(study["doc"], 0, 5, study["theme"]))  # starts first in its document
    i = text.index("Die Ärztin")
    stack.push(ApplyCode(study["doc"], i, i + 3, study["sub"]))  # same start, shorter
    listed = [(s.document_name, s.start, s.end) for s in list_segments(project)]
    assert listed == sorted(listed, key=lambda t: (t[0] != "fgi", t[1], t[2]))
    assert listed[0][1:] == (0, 5) and listed[-1][0] == "a-first-by-name"
    fetched, _ = retrieval.fetch(project)
    assert [(r.document_name, r.start, r.end) for r in fetched] == listed


def test_retrieval_rows_and_what_they_save(project: Project, study: dict[str, str]) -> None:
    rows, attrs = retrieval.fetch(project, code_guid=study["theme"], include_descendants=True)
    listed = list_segments(project, code_guid=study["theme"], include_descendants=True)
    for r, s in zip(rows, listed, strict=True):
        assert r.code_path_text == s.code_path_text
        record = retrieval.to_record(r, s.text, attrs.get(r.participant_id or -1, {}))
        assert record == s._replace(id=0, created_at=None)
    ids = {p: r.participant_id for r in rows for p in [r.speaker]}
    assert attrs == {
        ids["A1"]: {"role": "Mentee", "Beruf": "ÄRZTIN"},
        ids["A2"]: {"role": "mentee", "Beruf": "Student"},
    }
    assert ids["Moderator"] is None and ids["A3"] is not None
    # The caller's codebook and document list save two queries; an unknown code in the rows
    # (added since) makes it read the codebook after all, and a document not in the list
    # comes last, nameless.
    stale_paths = {0: (("Gone",), "#000000", "gone")}
    again, _ = retrieval.fetch(project, paths=stale_paths, documents={})
    assert [r.code_path for r in again] == [r.code_path for r in retrieval.fetch(project)[0]]
    assert {(r.document_guid, r.document_name) for r in again} == {("", "")}
    with project.read() as s:
        from qualframe.coding.query.segments import code_paths

        paths = code_paths(s)
    painted = {cid: (tuple(p.upper() for p in path), "#123456", g) for cid, (path, _, g) in
               paths.items()}  # fmt: skip
    named = {999: ("other", "Other")}
    mine, _ = retrieval.fetch(project, paths=painted, documents=named)
    assert {r.code_color for r in mine} == {"#123456"}
    assert mine[0].code_path == ("HILFE",)
    only, none = retrieval.fetch(project, code_guid=study["sub"])
    assert [(r.speaker, r.coder, r.is_interviewer, r.memo, r.is_exemplar) for r in only] == [
        ("A2", "Zweite Kodiererin", False, "", False)
    ]
    assert none == {only[0].participant_id: {"role": "mentee", "Beruf": "Student"}}
    assert retrieval.fetch(project, where=[Where("role", "mentor")]) == ([], {})
    guids = [r.guid for r in retrieval.fetch(project)[0]]
    assert [r.guid for r in retrieval.fetch(project, segment_guids=guids[1:3])[0]] == guids[1:3]
    assert retrieval.fetch(project, document_guid="gone") == ([], {})


def test_interviewer_speech_left_out_on_request_speech_outside_turns_kept(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.corpus.documents import document_text

    text = document_text(project, study["doc"])
    gap = text.index("\n\n")
    UndoStack(project).push(ApplyCode(study["doc"], gap, gap + 2, study["theme"]))
    speakers_ = [s.speaker for s in list_segments(project, include_interviewer=False)]
    assert speakers_ == [None, "A1", "A2", "A2", "A3"]  # the blank line lies in no turn


def test_where_needs_a_name_and_an_equals_sign() -> None:
    for bad in ("role", "=mentee", "  = mentee"):
        with pytest.raises(Exception) as err:
            Where.parse(bad)
        assert (
            str(err.value) == f'"{bad}" is not a condition; use ATTRIBUTE=VALUE, e.g. role=mentor.'
        )
    assert Where.parse("role=") == Where("role", "")


def test_participant_attributes_of_some_or_everyone(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.query.segments import code_paths, participant_attributes

    ids = {p.pseudonym: p.id for p in list_participants(project)}
    with project.read() as s:
        everyone = participant_attributes(s)
        assert everyone == {
            ids["A1"]: {"role": "Mentee", "Beruf": "ÄRZTIN"},
            ids["A2"]: {"role": "mentee", "Beruf": "Student"},
        }
        assert participant_attributes(s, {ids["A2"]}) == {ids["A2"]: everyone[ids["A2"]]}
        assert participant_attributes(s, {ids["A3"]}) == {}
        many = set(range(1000, 1100)) | {ids["A1"]}  # a long list: everyone is read …
        assert participant_attributes(s, many)[ids["A1"]] == everyone[ids["A1"]]
        paths = code_paths(s)
        sub_id = next(i for i, (_, _, g) in paths.items() if g == study["sub"])
        assert code_paths(s, [sub_id]) == {sub_id: paths[sub_id]}
        assert paths[sub_id][0] == ("Hilfe", "Lernplan")


def test_a_negative_limit_lists_nothing_and_the_collector_is_left_as_found(
    project: Project, study: dict[str, str]
) -> None:
    import gc

    assert list_segments(project, limit=-1) == []
    assert gc.isenabled()
    list_segments(project)
    assert gc.isenabled()
    gc.disable()
    try:
        list_segments(project)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_cache_forgets_the_least_recently_used_text(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.query import texts as texts_module

    assert texts_module.MAX_CHARS == 32_000_000 == TextCache().max_chars
    a, _ = add_transcript(project, "a", [("B1", "x" * 20)])
    b, _ = add_transcript(project, "b", [("B1", "y" * 20)])
    c, _ = add_transcript(project, "c", [("B1", "z" * 20)])
    with project.read() as s:
        rows = dict(s.execute(select(Document.guid, Document.id)).all())
        ia, ib, ic = rows[a], rows[b], rows[c]
        cache = TextCache(max_chars=60)  # room for two of the 24-character texts
        cache.texts(s, {ia})
        cache.texts(s, {ib})
        cache.texts(s, {ia})  # a is used again: b is now the oldest
        cache.texts(s, {ic})
        assert list(cache._texts) == [ia, ic] and cache._chars == 48
        # A text kept again replaces itself, without counting twice.
        cache._keep(ic, "other hash", 24, "z" * 24)
        assert cache._chars == 48 and cache._texts[ic][0] == "other hash"
        assert cache.texts(s, {ic})[ic][3] == "B1: " + "z" * 20  # the hash differed: read
        assert cache._texts[ic][0] != "other hash" and cache._chars == 48


def test_listing_by_participant_and_inside_a_session(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.query.segments import query_segments

    assert [s.speaker for s in list_segments(project, participant_guid=study["A2"])] == [
        "A2", "A2",
    ]  # fmt: skip
    with pytest.raises(NotFoundError) as err:
        list_segments(project, code_guid="gone")
    assert str(err.value) == "That code no longer exists."
    every = list_segments(project)
    with project.read() as s:
        # The defaults: one code without its sub-codes, interviewer speech included.
        assert [r.speaker for r in query_segments(s, code_guid=study["theme"])] == [
            "Moderator", "A1", "A2", "A3",
        ]  # fmt: skip
        assert query_segments(s) == every
        assert query_segments(s, segment_guids=[every[3].guid]) == [every[3]]
        assert [r.speaker for r in query_segments(s, participant_guid=study["A1"])] == ["A1"]
        assert query_segments(s, include_interviewer=False) == every[1:]


def test_where_keeps_everything_after_the_first_equals_sign() -> None:
    assert Where.parse("Beruf=a=b") == Where("Beruf", "a=b")


def test_retrieval_rows_carry_the_exemplar_flag(project: Project, study: dict[str, str]) -> None:
    from qualframe.coding.commands import SetExemplar

    guid = list_segments(project)[1].guid
    UndoStack(project).push(SetExemplar(guid, True))
    rows, _ = retrieval.fetch(project)
    assert [r.is_exemplar for r in rows] == [False, True, False, False, False]


def test_same_ranges_sort_by_coding_order_and_documents_by_position_then_name(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.core.records import SegmentRecord

    stack = UndoStack(project)
    codes = [stack.push(AddCode(f"Same {i}")).created_guid for i in range(5)]
    made = [stack.push(ApplyCode(study["doc"], 0, 9, c)).created_guid for c in codes if c]
    first = [s for s in list_segments(project) if s.start == 0 and s.end == 9]
    assert [s.guid for s in first] == made  # ties: the order they were coded in
    assert all(type(s.id) is int for s in first) and len({s.id for s in first}) == 5
    assert isinstance(first[0], SegmentRecord)
    # Documents: by position, then by name; not by id.
    b, _ = add_transcript(project, "b", [("A1", "Later document.")])
    a, _ = add_transcript(project, "a", [("A1", "Last document.")])
    stack.push(ApplyCode(b, 0, 2, codes[0] or ""))
    stack.push(ApplyCode(a, 0, 2, codes[0] or ""))

    def names() -> list[str]:
        listed = list_segments(project, code_guid=codes[0])
        fetched = [r.document_name for r in retrieval.fetch(project, code_guid=codes[0])[0]]
        assert [s.document_name for s in listed] == fetched
        return [s.document_name for s in listed]

    assert names() == ["fgi", "b", "a"]
    with project.write() as s:
        s.execute(update(Document).where(Document.guid == a).values(position=-1))
    assert names() == ["a", "fgi", "b"]
    with project.write() as s:
        s.execute(update(Document).values(position=0))
    assert names() == ["a", "b", "fgi"]  # the same position: by name


def test_documents_outside_the_callers_list_come_last(
    project: Project, study: dict[str, str]
) -> None:
    other, _ = add_transcript(project, "aaa", [("A1", "Another talk.")])
    UndoStack(project).push(ApplyCode(other, 0, 2, study["theme"]))
    with project.read() as s:
        ids = dict(s.execute(select(Document.guid, Document.id)).all())
    rows, _ = retrieval.fetch(project, documents={ids[other]: (other, "aaa")})
    assert [r.document_name for r in rows] == ["aaa"] + [""] * 5


def test_kept_texts_are_trusted_while_hash_and_length_hold(
    project: Project, study: dict[str, str]
) -> None:
    """What the cache keeps is what it returns: proven by an edit that keeps the hash and the
    length (which a writer must never make), then undone by updating the hash."""
    before = list_segments(project)[1].text
    with project.write() as s:
        s.execute(update(Document).values(text=Document.text.op("||")("")))  # no change
        s.execute(
            update(Document)
            .where(Document.guid == study["doc"])
            .values(text=func.replace(Document.text, "Ärztin", "ÄRZTIN"))
        )
    assert list_segments(project)[1].text == before  # the kept text, same hash and length
    with project.write() as s:
        s.execute(update(Document).values(text_hash="new"))
    assert list_segments(project)[1].text == before.replace("Ärztin", "ÄRZTIN")


def test_the_cache_boundaries(project: Project, study: dict[str, str]) -> None:
    texts = {}
    for name, n in (("a", 20), ("b", 10), ("c", 30)):
        guid, _ = add_transcript(project, name, [("B1", "x" * n)])
        texts[name] = guid
    with project.read() as s:
        ids = dict(s.execute(select(Document.guid, Document.id)).all())
        ia, ib, ic = (ids[texts[k]] for k in "abc")
        exact = TextCache(max_chars=24)
        exact.texts(s, {ia})  # 24 characters: exactly fits
        assert list(exact._texts) == [ia] and exact._chars == 24
        two = TextCache(max_chars=38)
        two.texts(s, {ia})
        two.texts(s, {ib})  # 24 + 14: exactly full, nothing goes
        assert list(two._texts) == [ia, ib] and two._chars == 38
        two._keep(ia, "h", 24, "y" * 14)  # a smaller text replaces a kept one
        assert two._chars == 28 and list(two._texts) == [ib, ia]
        two.texts(s, {ic})  # 34 more: both others go
        assert list(two._texts) == [ic] and two._chars == 34


def test_participant_tallies_count_documents_turns_and_segments(
    project: Project, study: dict[str, str]
) -> None:
    second, text = add_transcript(
        project, "fgi 2", [("A1", "Noch einmal."), ("A1", "Und dann."), ("B1", "Nichts kodiert.")]
    )
    i = text.index("Und dann.")
    UndoStack(project).push(ApplyCode(second, i, i + len("Und dann."), study["theme"]))
    tallies = participant_tallies(project)
    assert tallies[study["A1"]] == Tally(documents=2, turns=3, segments=2)
    assert tallies[study["A2"]] == Tally(documents=1, turns=1, segments=2)
    assert tallies[study["A3"]] == Tally(documents=1, turns=1, segments=1)
    (b1,) = [p.guid for p in list_participants(project) if p.pseudonym == "B1"]
    assert tallies[b1] == Tally(documents=1, turns=1, segments=0)  # speaks, nothing coded
    # Every participant with a turn, and no other (the moderator is not a participant here).
    assert set(tallies) == {study["A1"], study["A2"], study["A3"], b1}


def test_retrieval_of_chosen_coders_keeps_only_their_segments(
    project: Project, study: dict[str, str]
) -> None:
    """The workbench's coder view (blind coding) retrieves the named coders' segments only."""
    every, _ = retrieval.fetch(project)
    second, attrs = retrieval.fetch(project, coders=["Zweite Kodiererin"])
    assert [(r.coder, r.speaker) for r in second] == [("Zweite Kodiererin", "A2")]
    assert set(attrs) == {r.participant_id for r in second}
    mine, _ = retrieval.fetch(project, coders=["tester"])
    assert [r.guid for r in mine] == [r.guid for r in every if r.coder == "tester"]
    assert len(mine) == len(every) - 1
    both, _ = retrieval.fetch(project, coders=("tester", "Zweite Kodiererin"))
    assert [r.guid for r in both] == [r.guid for r in every]
    assert retrieval.fetch(project, coders=[]) == ([], {})


def test_participant_tallies_of_chosen_coders_count_only_their_segments(
    project: Project, study: dict[str, str]
) -> None:
    """The workbench's coder scope (blind coding): documents and turns stay whole, segments
    are those of the coders named, however the name is typed."""
    every = participant_tallies(project)
    second = participant_tallies(project, coders=["  zweite KODIERERIN "])
    mine = participant_tallies(project, coders=["Tester"])
    both = participant_tallies(project, coders=["tester", "Zweite Kodiererin"])
    nobody = participant_tallies(project, coders=[])
    people = ("A1", "A2", "A3")
    assert [every[study[p]].segments for p in people] == [1, 2, 1]
    assert [second[study[p]].segments for p in people] == [0, 1, 0]
    assert [mine[study[p]].segments for p in people] == [1, 1, 1]
    assert [both[study[p]] for p in people] == [every[study[p]] for p in people]
    assert [nobody[study[p]] for p in people] == [Tally(1, 1, 0)] * 3
    assert {g: (t.documents, t.turns) for g, t in second.items()} == {
        g: (t.documents, t.turns) for g, t in every.items()
    }


def test_an_unknown_document_set_is_refused_in_one_sentence(
    project: Project, study: dict[str, str]
) -> None:
    with project.read() as s, pytest.raises(NotFoundError) as err:
        SegmentFilter(document_sets=("Year 3",)).clauses(s)
    assert str(err.value) == 'There is no document set "Year 3" in this project (sets: none yet).'


def test_only_the_attributes_asked_for(project: Project, study: dict[str, str]) -> None:
    """A listing without attributes leaves them out; retrieval reads only the attributes
    named (a project may hold thousands)."""
    assert any(r.attributes for r in list_segments(project))
    assert all(r.attributes == {} for r in list_segments(project, attributes=False))
    with project.read() as s:
        assert any(r.attributes for r in filtered_segments(s, SegmentFilter()))  # by default
    _, every = retrieval.fetch(project)
    assert every[next(iter(every))].keys() == {"role", "Beruf"}
    rows, some = retrieval.fetch(project, attribute_names=("ROLE",))
    assert rows and some and all(v.keys() == {"role"} for v in some.values())
    assert retrieval.fetch(project, attribute_names=())[1] == {}


def test_the_speaker_is_the_pseudonym_not_the_turn_label(
    project: Project, study: dict[str, str]
) -> None:
    """The turn keeps the label as written in the transcript ("A1"); the listing names the
    participant by the pseudonym, which may since have changed."""
    with project.write() as s:
        s.execute(
            update(Participant).where(Participant.guid == study["A1"]).values(pseudonym="T-01")
        )
    speakers = [r.speaker for r in list_segments(project)]
    assert speakers == ["Moderator", "T-01", "A2", "A2", "A3"]  # the moderator: the label
    rows, _ = retrieval.fetch(project)
    assert [r.speaker for r in rows] == speakers


def test_ties_keep_the_coding_order_whatever_order_the_database_returns(
    project: Project, study: dict[str, str]
) -> None:
    """Sub-codes coded on one range in reverse: the code index returns the rows by code, but
    segments with the same range are listed in the order they were coded."""
    stack = UndoStack(project)
    parent = stack.push(AddCode("Parent")).created_guid or ""
    subs = [stack.push(AddCode(f"Sub {i}", parent)).created_guid or "" for i in range(4)]
    made = [stack.push(ApplyCode(study["doc"], 0, 9, c)).created_guid for c in reversed(subs)]
    listed = list_segments(project, code_guid=parent, include_descendants=True)
    assert [s.guid for s in listed] == made
    with project.read() as s:
        f = SegmentFilter(code_guid=parent, include_descendants=True)
        assert [r.guid for r in filtered_segments(s, f)] == made

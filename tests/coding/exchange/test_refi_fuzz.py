"""Damaged REFI-QDA XML never crashes the import: it imports what it can or is refused in
one sentence (attributes and elements of real-looking files removed or garbled at random)."""

from __future__ import annotations

import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.exchange.refi_import import prepare
from qualframe.coding.exchange.refi_store import import_project
from tests.coding.exchange import refi_fixtures as fx

GARBAGE = ["", "-1", "99999999", "{not-a-guid}", "x", "1.5", "#12", "😀", "  "]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_damaged_projects_import_or_are_refused(tmp_path_factory, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("fuzz")
    builder = data.draw(st.sampled_from(["atlas", "maxqda", "nvivo"]))
    if builder == "atlas":
        path, _ = fx.atlas_like(tmp / "in.qdpx")
    elif builder == "maxqda":
        path = fx.maxqda_like(tmp / "in.qdpx")
    else:
        path, _ = fx.nvivo_windows(tmp / "in.qdpx")
    with zipfile.ZipFile(path) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    qde_name = next(n for n in entries if n.endswith(".qde"))
    root = etree.fromstring(entries[qde_name])
    elements = list(root.iter())
    for _ in range(data.draw(st.integers(1, 6))):
        el = elements[data.draw(st.integers(0, len(elements) - 1))]
        action = data.draw(st.sampled_from(["drop-attr", "garble-attr", "remove", "text"]))
        if action in ("drop-attr", "garble-attr") and el.attrib:
            key = data.draw(st.sampled_from(sorted(el.attrib)))
            if action == "drop-attr":
                del el.attrib[key]
            else:
                el.set(key, data.draw(st.sampled_from(GARBAGE)))
        elif action == "remove" and el.getparent() is not None:
            el.getparent().remove(el)
            elements = list(root.iter())
        elif action == "text":
            el.text = data.draw(st.sampled_from(GARBAGE))
    entries[qde_name] = etree.tostring(root)
    out = tmp / "out.qdpx"
    with zipfile.ZipFile(out, "w") as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    with Project.create(tmp / "p.qualframe", coder="tester") as project:
        try:
            import_project(project, prepare(out))
        except ImportRefused as exc:
            assert str(exc).endswith(".") and "\n" not in str(exc)

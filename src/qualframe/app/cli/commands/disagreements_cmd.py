"""`qualframe disagreements` (where coders differ, side by side) and `qualframe resolve`
(accept a coder's coding, both, neither, or a new agreed segment, into the consensus)."""

from __future__ import annotations

import argparse

from qualframe.app.cli.common import (
    add_coder_arg,
    add_project_arg,
    open_project,
    say,
    write_json,
)
from qualframe.coding.core.errors import UserError

ORDER = 46


def _common(p: argparse.ArgumentParser) -> None:
    add_project_arg(p)
    p.add_argument("--coders", nargs="+", metavar="NAME", required=True, help="two or more")
    p.add_argument(
        "--min-diff",
        type=int,
        default=0,
        metavar="N",
        help="boundaries that differ by N characters or fewer count as agreement (default 0)",
    )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("disagreements", help="places where coders differ, grouped by code")
    _common(p)
    p.add_argument("--code", metavar="PATH", help="only this code")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--seed-consensus",
        action="store_true",
        help="first copy the places where the coders agree to the coder 'consensus'",
    )
    p.add_argument(
        "--real-names",
        action="store_true",
        help="keep participants' real names in the texts (default: replaced by pseudonyms)",
    )
    add_coder_arg(p)
    p.set_defaults(func=cmd_list)
    r = sub.add_parser("resolve", help="resolve a disagreement into the consensus coder")
    _common(r)
    r.add_argument("place", metavar="ID", help="the place's id (from `disagreements`)")
    how = r.add_mutually_exclusive_group(required=True)
    how.add_argument("--accept", nargs="+", metavar="CODER", help="take these coders' codings")
    how.add_argument("--neither", action="store_true", help="the code does not apply here")
    how.add_argument("--new", nargs=2, type=int, metavar=("START", "END"),
                     help="a new agreed segment [START, END) in code points")  # fmt: skip
    add_coder_arg(r)
    r.set_defaults(func=cmd_resolve)


def cmd_list(args: argparse.Namespace) -> int:
    from qualframe.coding.analysis.agreement.disagreements import SeedConsensus, find_places
    from qualframe.coding.codebook.tree import find_code
    from qualframe.coding.core.privacy import name_masker

    with open_project(args, write=args.seed_consensus) as project:
        code_guid = None
        if args.code:
            rec = find_code(project, args.code)
            if rec is None:
                raise UserError(f'There is no code "{args.code}" in this project.')
            code_guid = rec.guid
        if args.seed_consensus:
            seed = SeedConsensus(tuple(args.coders), args.min_diff)
            seed.do(project)
            say(f"Copied {len(seed.made)} agreed coding(s) to the coder 'consensus'.")
        places = find_places(project, args.coders, min_diff=args.min_diff, code_guid=code_guid)
        # the listing leaves the application: real names become pseudonyms unless asked
        with project.read() as s:
            mask = name_masker(s, args.real_names)
    if args.format == "json":
        write_json([
            {"id": p.id, "kind": p.kind, "document": mask(p.document), "code": p.code,
             "start": p.start, "end": p.end, "resolution": p.resolution,
             "codings": {c: [{"start": x.start, "end": x.end, "text": mask(x.text)} for x in xs]
                         for c, xs in p.codings.items()}}
            for p in places
        ])  # fmt: skip
        return 0
    code = None
    for p in places:
        if p.code != code:
            code = p.code
            print(f"\n{code}")
        state = f"resolved ({p.resolution})" if p.resolved else p.kind
        print(f"  [{p.id}] {mask(p.document)} {p.start}-{p.end}: {state}")
        for coder, xs in p.codings.items():
            shown = " | ".join(f"{x.start}-{x.end} “{mask(x.text)}”" for x in xs) or "(not coded)"
            print(f"      {coder}: {shown}")
    open_ = sum(not p.resolved for p in places)
    print(f"\n{len(places)} place(s) where the coders differ; {open_} not resolved yet.")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from qualframe.coding.analysis.agreement.disagreements import ResolvePlace, find_place
    from qualframe.coding.core.privacy import name_masker

    with open_project(args, write=True) as project:
        place = find_place(project, args.coders, args.place, args.min_diff)
        if args.accept:
            names = {n.casefold(): n for n in place.codings}
            accepted = []
            for a in args.accept:
                if a.casefold() not in names:
                    raise UserError(f'"{a}" is not one of the coders compared here.')
                accepted.append(names[a.casefold()])
            command = ResolvePlace(place, "accept", tuple(accepted))
        elif args.neither:
            command = ResolvePlace(place, "neither")
        else:
            command = ResolvePlace(place, "new", start=args.new[0], end=args.new[1])
        command.do(project)
        with project.read() as s:
            document = name_masker(s, False)(place.document)
    say(f"Resolved [{place.id}] {document} {place.code}: {command.text.lower()}; "
          f"{len(command.made)} consensus segment(s) made.")  # fmt: skip
    return 0

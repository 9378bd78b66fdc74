"""Entry point of the ``qualframe`` command.

Each sub-command lives in its own module under ``app.cli.commands`` and exposes
``register(subparsers)`` (and an optional ``ORDER`` for the help listing). The handler it
sets with ``set_defaults(func=...)`` returns an exit code. User errors are one sentence on
stderr with exit 1; usage errors exit 2; a traceback is never shown (it goes to the log).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
import traceback
from collections.abc import Sequence

from qualframe.app.cli import commands as commands_pkg
from qualframe.coding.core.printable import printable
from qualframe.storage.errors import ForeignSchemaError, ProjectError

log = logging.getLogger("qualframe")


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="qualframe",
        description="Qualitative content analysis of transcripts and open-ended survey answers.",
    )
    parser.add_argument("--version", action="version", version="qualframe 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    modules = []
    for info in pkgutil.iter_modules(commands_pkg.__path__):
        modules.append(importlib.import_module(f"{commands_pkg.__name__}.{info.name}"))
    modules.sort(key=lambda m: (getattr(m, "ORDER", 50), m.__name__))
    for module in modules:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ProjectError as exc:
        message = str(exc)
        if isinstance(exc, ForeignSchemaError):
            path = getattr(args, "path", None)
            message = (
                f"{message.rstrip('.')}; to remove them (a backup is made first), run: "
                f"qualframe check '{path}' --remove-foreign."
            )
        print(f"qualframe: {printable(message)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("qualframe: interrupted; nothing was saved by the interrupted step.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from qualframe.app.paths import log_file

        path = log_file()
        with open(path, "a", encoding="utf-8") as fh:
            traceback.print_exc(file=fh)
        print(
            printable(
                f"qualframe: unexpected error ({type(exc).__name__}: {exc}); details are in {path}."
            ),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

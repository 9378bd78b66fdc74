"""Bulk UPDATEs of versioned rows (codes and segments) that raise each row's version.

Codes and segments carry a ``version`` (revision 0010): a coder's update or delete of a row
that another coder changed meanwhile matches no row and is refused, so nothing is silently
overwritten on a team server. SQLAlchemy raises the version only in the ORM's unit of work
(``version_id_col``); a Core or ORM-enabled bulk ``update()`` leaves it alone. Every bulk
UPDATE of these two tables therefore starts from ``versioned_update``, and
``tests/storage/test_versions.py`` fails when one does not.
"""

from __future__ import annotations

from sqlalchemy import Table, Update, update

from qualframe.storage.models import Code, Segment


def versioned_update(target: type[Code] | type[Segment] | Table) -> Update:
    """``update(target)`` that sets ``version = version + 1`` on every row it changes."""
    if isinstance(target, Table):
        return update(target).values(version=target.c.version + 1)
    return update(target).values(version=target.version + 1)

"""Merging another copy of a project (a coder's laptop) into this one: matched by GUID,
conflicts listed and resolved by a rule, one undoable step, backed up first. See ``plan``
for the matching and the rules."""

from qualframe.coding.merge.command import MergeProject, check_rule, preview_merge
from qualframe.coding.merge.plan import RULES, Conflict, MergePlan, Rule

__all__ = ["RULES", "Conflict", "MergePlan", "MergeProject", "Rule", "check_rule", "preview_merge"]

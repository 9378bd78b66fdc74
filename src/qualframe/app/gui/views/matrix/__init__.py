"""The Theme matrix tab, one module per job: ``view`` (the tab), ``controls`` (the bar),
``scope`` (coder and document choosers), ``column_order``, ``delegate`` (cell painting),
``drill_down`` (the segments behind a cell) and ``export``."""

from qualframe.app.gui.views.matrix.column_order import GroupOrderDialog, default_group_order
from qualframe.app.gui.views.matrix.scope import ScopeChooser, StickyMenu
from qualframe.app.gui.views.matrix.view import MatrixView

__all__ = ["GroupOrderDialog", "MatrixView", "ScopeChooser", "StickyMenu", "default_group_order"]

"""The shell: the main window as the composition root, its menus and its wiring.

Private to itself: only ``app.gui.launch`` imports it (an import-linter contract says so).
Docks, views, dialogs and models are built from the ``Workbench`` protocol and the models
they show, so none of them needs the window.
"""

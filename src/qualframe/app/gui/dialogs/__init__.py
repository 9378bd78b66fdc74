"""Dialogs of the workbench (each in its own module)."""

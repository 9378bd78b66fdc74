"""The ``qualframe`` command line."""

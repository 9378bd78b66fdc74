"""The audit trail made readable and checkable: events as sentences (``log``), the hash
chain verified (``verify``), and the codebook's history rebuilt from it (``history``)."""

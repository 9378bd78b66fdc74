"""Exchange with other QDA tools: REFI-QDA 1.5 projects (.qdpx) and codebooks (.qdc), both
ways, validated against the standard's schemas (``resources/refi``). Qt-free.

``refi_export`` writes, ``refi_import`` and ``qdc`` read; ``archive`` refuses hostile files
before anything is written; ``positions`` converts other tools' ways of counting characters.
"""

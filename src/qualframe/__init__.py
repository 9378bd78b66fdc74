"""Qualframe: qualitative content analysis of transcripts and open-ended survey answers."""

__version__ = "0.1.0"

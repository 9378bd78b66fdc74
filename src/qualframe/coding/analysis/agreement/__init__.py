"""Inter-coder agreement: percent, Cohen's κ and Krippendorff's α (nominal) per code and
overall, at the character, speaker-turn / survey-answer or document level, with seeded
bootstrap intervals.

``stats`` (the statistics on arrays), ``units`` (coded ranges → per-unit sums) and
``bootstrap`` are pure numpy; ``loading`` reads a project into those arrays and ``report``
puts the pieces together for the command line, the GUI and the exports.
"""

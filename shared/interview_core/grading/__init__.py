"""The offline grader (grader.py). This module stays free of numpy: importing the version costs nothing."""

GRADER_VERSION = "semantic-v2"  # reports name it as their rubric_version
GAMING_CAP = 1  # the most an answer that games the grader scores, whatever else it contains

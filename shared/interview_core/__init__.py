"""Core package of the mock-interview API: every Lambda function and the local app import it."""

from interview_core import snapstart as _snapstart

__version__ = "0.1.0"

_snapstart.install()  # Lambda SnapStart: after a restore, nothing random, connected or secret is shared

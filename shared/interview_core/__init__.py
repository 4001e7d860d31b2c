"""Core package of the mock-interview API: every Lambda function and the local app import it."""

__version__ = "0.1.0"

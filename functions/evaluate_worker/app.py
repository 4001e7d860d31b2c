from interview_core.workers.evaluate import handle as handler

__all__ = ["handler"]

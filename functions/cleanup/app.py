from interview_core.workers.cleanup import handle as handler

__all__ = ["handler"]

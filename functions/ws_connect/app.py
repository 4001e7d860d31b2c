from interview_core.live.lambda_handlers import connect as handler

__all__ = ["handler"]

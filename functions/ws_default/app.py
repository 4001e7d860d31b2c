from interview_core.live.lambda_handlers import default as handler

__all__ = ["handler"]

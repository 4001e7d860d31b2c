from interview_core.live.lambda_handlers import disconnect as handler

__all__ = ["handler"]

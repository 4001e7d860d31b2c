from interview_core import lambda_init  # noqa: F401  (first: no garbage collection during init)
from interview_core.api.app import lambda_handler
from interview_core.api.routes.evaluate_answers import load_grader, router

handler = lambda_handler(router, prime=load_grader)

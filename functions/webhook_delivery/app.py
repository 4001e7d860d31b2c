from interview_core import lambda_init  # first: no garbage collection during init
from interview_core.workers.webhook_delivery import handle

handler = lambda_init.ready(handle)

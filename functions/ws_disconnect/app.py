from interview_core import lambda_init  # first: no garbage collection during init
from interview_core.live.lambda_handlers import disconnect

handler = lambda_init.ready(disconnect)

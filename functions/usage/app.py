from mangum import Mangum

from interview_core.api.app import create_app
from interview_core.api.routes.usage import router

app = create_app(router)
handler = Mangum(app, lifespan="off")

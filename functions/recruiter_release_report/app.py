from mangum import Mangum

from interview_core.api.app import create_app
from interview_core.api.routes.recruiter_release_report import router

app = create_app(router)
handler = Mangum(app, lifespan="off")

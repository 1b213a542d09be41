"""`python -m services.web.main`: the web on port 8006 (OMSORG_PORT to change)."""
import uvicorn

from services.web.app import create_app
from services.web.settings import PORT, WebSettings
from shared.startup import freeze_startup_objects


def app():
    return create_app()


if __name__ == "__main__":
    settings = WebSettings()
    web = create_app(settings)
    freeze_startup_objects()
    uvicorn.run(web, host=settings.host, port=settings.port or PORT, log_config=None,
                access_log=False)

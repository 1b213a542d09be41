"""`python -m services.issuer.main`: the development issuer on port 8007 (OMSORG_PORT to change)."""
import uvicorn

from services.issuer.app import create_app
from services.issuer.settings import PORT, IssuerSettings

if __name__ == "__main__":
    settings = IssuerSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port or PORT, log_config=None,
                access_log=False)

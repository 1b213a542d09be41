"""The accessibility statement (tillgänglighetsredogörelse) that lagen (2018:1937) om
tillgänglighet till digital offentlig service asks of the web, in the structure DIGG prescribes
(docs/law.md, section 11), linked from every page's footer and readable without signing in. The
organisation's name and its contact for shortcomings are settings (OMSORG_ORGANISATION_NAME,
OMSORG_ACCESSIBILITY_CONTACT)."""
from datetime import date

from fastapi import APIRouter, Request

from services.web.pages.common import render

router = APIRouter()

# When the web was last assessed against the requirements and the statement last changed: change
# them with the statement, when the tests or the shortcomings below change.
ASSESSED_ON = date(2026, 11, 29)
UPDATED_ON = date(2026, 11, 29)


@router.get("/tillganglighet")
async def accessibility_statement(request: Request):
    settings = request.app.state.settings
    return render(request, "accessibility.html", organisation=settings.organisation_name,
                  contact=settings.accessibility_contact, assessed_on=ASSESSED_ON, updated_on=UPDATED_ON)

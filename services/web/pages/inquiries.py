"""An inquiry (aktualisering): what came in, when, its deadlines and assessments, and the
investigation it led to; read from the registry's GET /inquiries/{id}, with the person it is about."""
from uuid import UUID

from fastapi import APIRouter, Request

from services.web import telemetry, texts
from services.web.pages.common import SignedIn, render, section

router = APIRouter()


@router.get("/inquiries/{inquiry_id}")
async def inquiry_page(request: Request, inquiry_id: UUID, session: SignedIn):
    answer = await request.app.state.backends["registry"].get(f"/inquiries/{inquiry_id}", session.token,
                                                              request.state.request_id)
    if answer.status != 200:
        status = answer.status if answer.status in (403, 404) else 502
        return render(request, "error.html", status_code=status, title="Aktualiseringen kan inte visas",
                      message=texts.problem(answer.code), trace_id=telemetry.current_trace_id())
    person = await section(request, "registry", f"/persons/{answer.body['person_id']}")
    return render(request, "inquiry.html", inquiry=answer.body, person=person)

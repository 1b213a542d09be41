"""The examples of a service's OpenAPI document as the models give them: FastAPI writes the document
without nulls (`exclude_none`), so the nulls of an example are put back where the schema requires
the member; a page's example is one item of its model's example."""
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict

from shared import openapi
from shared.pagination import Page


class Inner(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "a", "note": None}]})

    code: str
    note: str | None


class Thing(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": 1, "closed_on": None, "inner": {"code": "a", "note": None}, "inners": [{"code": "b", "note": None}]}]})

    id: int
    closed_on: str | None
    optional: str | None = None
    inner: Inner | None
    inners: list[Inner]


def _document() -> dict:
    app = FastAPI()
    router = APIRouter()

    @router.get("/things/{thing_id}", response_model=Thing,
                responses={200: {"content": {"application/json": {"example": {
                    "id": 2, "closed_on": None, "inner": None, "inners": []}}}}})
    async def get_thing(thing_id: int) -> Thing: ...

    @router.get("/things", response_model=Page[Thing])
    async def list_things() -> Page[Thing]: ...

    app.include_router(router)
    openapi.install_openapi(app)
    return app.openapi()


def test_an_example_keeps_the_nulls_its_schema_requires():
    schemas = _document()["components"]["schemas"]
    assert schemas["Thing"]["examples"] == [{"id": 1, "closed_on": None, "inner": {"code": "a", "note": None},
                                             "inners": [{"code": "b", "note": None}]}]
    assert "optional" not in schemas["Thing"]["examples"][0]  # not required: left out is the same


def test_a_media_type_example_keeps_its_nulls_too():
    answer = _document()["paths"]["/things/{thing_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["example"] == {"id": 2, "closed_on": None, "inner": None, "inners": []}


def test_a_page_example_is_one_item_of_its_model():
    page = _document()["components"]["schemas"]["Page_Thing_"]
    assert page["examples"] == [{"items": [Thing.model_config["json_schema_extra"]["examples"][0]],
                                 "next_cursor": None}]

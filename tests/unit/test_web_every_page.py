"""A list on a page read to its end: page by page from the first, or on from a first page read
already (the case record's lists), at most MAX_PAGES pages, saying when some were left out."""
from types import SimpleNamespace

import httpx

from services.web.backends import Backend
from services.web.pages import common
from services.web.pages.common import MAX_PAGES, every_page


def _request_to(items: list[int], size: int, asked: list):
    """A request whose registry answers `items` in pages of `size`, the cursor being the offset."""
    def answer(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        asked.append(cursor)
        start = int(cursor) if cursor else 0
        rest = start + size
        return httpx.Response(200, json={"items": items[start:rest],
                                         "next_cursor": str(rest) if rest < len(items) else None})
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    backends = {"registry": Backend("registry", "http://registry", client)}
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(backends=backends)),
                           state=SimpleNamespace(session=SimpleNamespace(token="t"), request_id="r"))


async def test_a_list_is_read_from_its_first_page_to_its_last(monkeypatch):
    monkeypatch.setattr(common, "LIST_PAGE_SIZE", 2)
    asked: list = []
    part = await every_page(_request_to(list(range(5)), 2, asked), "registry", "/x")
    assert part.body == {"items": [0, 1, 2, 3, 4], "more": False}
    assert asked == [None, "2", "4"]


async def test_a_first_page_read_already_is_gone_on_from_its_cursor(monkeypatch):
    monkeypatch.setattr(common, "LIST_PAGE_SIZE", 2)
    asked: list = []
    request = _request_to(list(range(5)), 2, asked)
    part = await every_page(request, "registry", "/x", first={"items": [0, 1], "next_cursor": "2"})
    assert part.body == {"items": [0, 1, 2, 3, 4], "more": False}
    assert asked == ["2", "4"]
    asked.clear()
    whole = await every_page(request, "registry", "/x", first={"items": [0, 1], "next_cursor": None})
    assert whole.body == {"items": [0, 1], "more": False} and asked == []


async def test_a_list_longer_than_max_pages_says_more(monkeypatch):
    monkeypatch.setattr(common, "LIST_PAGE_SIZE", 1)
    asked: list = []
    request = _request_to(list(range(MAX_PAGES + 3)), 1, asked)
    part = await every_page(request, "registry", "/x", first={"items": [0], "next_cursor": "1"})
    assert part.body == {"items": list(range(MAX_PAGES)), "more": True}
    assert len(asked) == MAX_PAGES - 1
    asked.clear()
    fresh = await every_page(request, "registry", "/x")
    assert fresh.body == {"items": list(range(MAX_PAGES)), "more": True} and len(asked) == MAX_PAGES

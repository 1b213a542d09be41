"""Calls to the services' APIs with the signed-in person's token. The web holds no data: every
page is made from these answers."""
from dataclasses import dataclass

import httpx


class ServiceUnavailable(Exception):
    """A service did not answer, or answered with a server error: the page says so in Swedish."""

    def __init__(self, service: str, why: str):
        super().__init__(f"{service}: {why}")
        self.service = service


class SessionRejected(Exception):
    """A service refused the session's token (401): the session is over."""


@dataclass
class Document:
    """A document a service answers with (a decision letter as PDF), passed on to the browser as it is."""
    content: bytes
    media_type: str
    filename: str | None = None


@dataclass
class Answer:
    status: int
    body: dict
    etag: str | None = None  # the resource's ETag, sent back in If-Match to change exactly what was read

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


class Backend:
    def __init__(self, name: str, base_url: str, client: httpx.AsyncClient):
        self.name, self.base_url, self.client = name, base_url.rstrip("/"), client

    async def post(self, path: str, token: str, json: dict | None, request_id: str,
                   headers: dict[str, str] | None = None) -> Answer:
        return await self._call("POST", path, token, request_id, json=json, headers=headers)

    async def get(self, path: str, token: str, request_id: str, params: dict | None = None) -> Answer:
        return await self._call("GET", path, token, request_id,
                                params={k: v for k, v in (params or {}).items() if v is not None})

    async def document(self, path: str, token: str, request_id: str) -> Document | Answer:
        """A document (not JSON) at `path`: the document, or the service's refusal as an Answer."""
        response = await self._send("GET", path, token, request_id)
        if response.status_code != 200:
            return self._answer(response)
        disposition = response.headers.get("content-disposition", "")
        filename = disposition.split("filename=", 1)[1].strip('"') if "filename=" in disposition else None
        return Document(response.content, response.headers.get("content-type", "application/octet-stream"), filename)

    async def stream(self, path: str, token: str, request_id: str, params: dict | None = None) -> httpx.Response | Answer:
        """A document at `path` as it comes, not read into memory (a report's CSV): the open
        response, for the caller to pass on and close, or the service's refusal as an Answer."""
        response = await self._send("GET", path, token, request_id, stream=True,
                                    params={k: v for k, v in (params or {}).items() if v is not None})
        if response.status_code != 200:
            try:
                await response.aread()
            finally:
                await response.aclose()
            return self._answer(response)
        return response

    async def _call(self, method: str, path: str, token: str, request_id: str, headers: dict[str, str] | None = None,
                    **kwargs) -> Answer:
        return self._answer(await self._send(method, path, token, request_id, headers, **kwargs))

    async def _send(self, method: str, path: str, token: str, request_id: str, headers: dict[str, str] | None = None,
                    stream: bool = False, **kwargs) -> httpx.Response:
        request = self.client.build_request(
            method, self.base_url + path,
            headers={**(headers or {}), "Authorization": f"Bearer {token}", "X-Request-Id": request_id}, **kwargs)
        try:
            response = await self.client.send(request, stream=stream)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(self.name, type(exc).__name__) from None
        if response.status_code == 401 or response.status_code >= 500 or response.status_code == 429:
            await response.aclose()
            if response.status_code == 401:
                raise SessionRejected()
            raise ServiceUnavailable(self.name, f"answered {response.status_code}")
        return response

    def _answer(self, response: httpx.Response) -> Answer:
        try:
            body = response.json()
        except ValueError:
            raise ServiceUnavailable(self.name, "answered with something that is not JSON") from None
        return Answer(response.status_code, body, response.headers.get("etag"))

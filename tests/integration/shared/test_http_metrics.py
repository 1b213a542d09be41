"""HTTP metrics on a real service process follow the OpenTelemetry HTTP semantic conventions:
http_server_request_duration_seconds per route template, method and status code, and nothing a
client chooses (Host, the raw path, User-Agent) becomes a label, so made-up Hosts and paths add
no series."""
import re
import uuid

import httpx

# The server's series. (A service's own calls out, such as fetching its OIDC issuer's keys, have
# http_client_* series labelled with the configured server's address, which no client chooses.)
SERIES = re.compile(r"^(http_server_\w+)\{([^}]*)\} \S+$", re.MULTILINE)


def http_series(text: str) -> set[str]:
    return {f"{name}{{{labels}}}" for name, labels in SERIES.findall(text)}


async def test_http_duration_is_per_route_template_and_ignores_what_the_client_sends(env):
    proc = env.start("journal")
    await proc.wait_ready()
    headers = env.auth("caseworker", "anna", unit="vuxen")

    async def requests(client: httpx.AsyncClient, marker: str) -> None:
        for _ in range(2):
            extra = {"Host": f"{marker}-{uuid.uuid4().hex[:8]}.example", "User-Agent": f"{marker}-agent"}
            for path in (f"/cases/{uuid.uuid4()}/notes", f"/notes/{uuid.uuid4()}"):
                assert (await client.get(path, headers={**headers, **extra})).status_code < 500
            await client.get(f"/{marker}/{uuid.uuid4()}", headers=extra)  # no such route

    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as client:
        first, second = (f"madeup{uuid.uuid4().hex[:10]}" for _ in range(2))
        await requests(client, first)
        before = (await client.get("/metrics")).text
        await requests(client, second)
        after = (await client.get("/metrics")).text

    assert "http_server_duration_milliseconds" not in after
    assert re.search(r'http_server_request_duration_seconds_count\{[^}]*http_route="/cases/\{case_id\}/notes"', after)
    routed = re.search(r'http_server_request_duration_seconds_count\{([^}]*http_route="/notes/\{note_id\}"[^}]*)\}',
                       after)
    assert routed and 'http_request_method="GET"' in routed.group(1) and \
        re.search(r'http_response_status_code="\d{3}"', routed.group(1))
    labels = {label for _, text in SERIES.findall(after) for label in re.findall(r'(\w+)="', text)}
    assert labels <= {"http_request_method", "http_response_status_code", "http_route", "error_type", "le"}, labels
    for marker in (first, second, "-agent", ".example"):
        assert marker not in after, f"{marker!r} from the client is in /metrics"
    assert http_series(after) == http_series(before), "the second round of made-up Hosts and paths added series"

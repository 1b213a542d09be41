"""Every operation of every service, fuzzed from its own OpenAPI document (schemathesis) with a
valid token: no answer is a 5xx, and every 4xx is problem+json with `type`, `title`, `status`
and `code`.

Each operation gets three bounded, derandomized runs, so CI sees the same requests every time:
valid requests on the ids of a real flow (so the generated bodies reach the domain rules), valid
requests on made-up ids, and invalid requests (schemathesis' negative mode)."""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from tests.security.access.flow import Flow, five_services, run_flow
from tests.stack import SERVICES

EXAMPLES = 10  # per operation and run; three runs per operation
STAFF_ROLES = ["caseworker", "supervisor", "object_specialist", "support", "family_law", "service"]


@pytest.fixture(scope="module")
async def fuzzed(tmp_path_factory):
    async with five_services(tmp_path_factory.mktemp("fuzz")) as (env, procs, clients, catcher):
        flow = await run_flow(env, procs, clients, catcher)
        yield env, procs, flow, await _known_ids(flow)

async def _known_ids(flow: Flow) -> dict[str, str]:
    conn = await flow.env.db()
    try:
        watch_id = await conn.fetchval("SELECT id::text FROM watch.watches LIMIT 1")
        notification_id = await conn.fetchval("SELECT id::text FROM notify.notifications LIMIT 1")
    finally:
        await conn.close()
    return {"person_id": flow.person_id, "inquiry_id": flow.inquiry_id, "case_id": flow.case_id,
            "investigation_id": flow.investigation_id, "order_id": flow.order_id, "note_id": flow.note_id,
            "provider_id": flow.provider["id"], "watch_id": watch_id, "notification_id": notification_id}


def _token_for(path: str, flow: Flow) -> str:
    """A token that may use the operation: the provider's on provider routes, a citizen's on the
    citizen's own, a caseworker's unit with every staff role elsewhere."""
    if path.startswith("/provider/"):
        return flow.env.token("provider_user", sub="utforare", provider_id=flow.provider["id"])
    if path.startswith("/me"):
        return flow.env.token("citizen", sub="medborgare", pin=flow.pin)
    return flow.env.token(sub="fuzz", roles=STAFF_ROLES, unit="vuxen")


def problems_in(response) -> str | None:
    """What is wrong with an answer, or None."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.text[:300]}"
    if 400 <= response.status_code < 500:
        content_type = (response.headers.get("content-type") or [""])[0]  # schemathesis: name -> values
        if content_type.split(";")[0] != "application/problem+json":
            return f"{response.status_code} as {content_type!r}: {response.text[:300]}"
        try:
            body = response.json()
        except ValueError:
            return f"{response.status_code} with a body that is not JSON: {response.text[:300]}"
        missing = [k for k in ("type", "title", "status", "code") if k not in body]
        if missing or body.get("status") != response.status_code:
            return f"{response.status_code} problem without {missing} or with another status: {body}"
    return None


def with_real_ids(case, ids: dict[str, str]) -> None:
    """Put the flow's ids where the case names them (path, query, top level of a JSON body)."""
    for part in (case.path_parameters, case.query, case.body):
        if isinstance(part, dict):
            for name in part.keys() & ids.keys():
                if ids[name]:
                    part[name] = ids[name]


def fuzz_operation(operation, base_url: str, token: str, ids: dict[str, str] | None,
                   mode: GenerationMode) -> str | None:
    found: list[str] = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if ids:
            with_real_ids(case, ids)
        response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        wrong = problems_in(response)
        if wrong and len(found) < 3:
            found.append(f"{wrong}\n    {case.as_curl_command(base_url=base_url)}")

    try:
        run()
    except Unsatisfiable:  # nothing in the operation can be made invalid (no parameters, no body)
        pass
    return "\n  ".join(found) or None


@pytest.mark.parametrize("service", SERVICES)
async def test_no_operation_answers_5xx_or_an_error_that_is_not_problem_json(fuzzed, service):
    env, procs, flow, ids = fuzzed
    url = procs[service].url
    document = (await flow.clients[service].get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        token = _token_for(operation.path, flow)
        runs = [("valid, real ids", ids, GenerationMode.POSITIVE), ("valid", None, GenerationMode.POSITIVE),
                ("invalid", None, GenerationMode.NEGATIVE)]
        for what, known, mode in runs:
            if known and not (operation.path_parameters or operation.query or operation.body):
                continue  # nothing to put an id in
            wrong = fuzz_operation(operation, url, token, known, mode)
            if wrong:
                failures.append(f"{operation.method.upper()} {operation.path} ({what}):\n  {wrong}")
    assert operations, f"{service} has no operations in its OpenAPI document"
    assert not failures, f"{len(failures)} failing runs in {service}:\n" + "\n".join(failures)

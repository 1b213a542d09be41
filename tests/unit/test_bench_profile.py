"""How bench/profile.py sorts py-spy's samples into tasks and, within a request, into parts."""
from bench.profile import breakdown

SITE = "/srv/.venv/lib/python3.11/site-packages"
REQUEST = (f"Runner.run (asyncio/runners.py:118);RequestResponseCycle.run_asgi ({SITE}/uvicorn/protocols/http/"
           f"httptools_impl.py:401);APIRoute.handle ({SITE}/fastapi/routing.py:315)")


def _parts(tmp_path, *stacks: tuple[str, int]) -> dict[str, str]:
    raw = tmp_path / "raw.txt"
    raw.write_text("".join(f"{stack} {n}\n" for stack, n in stacks))
    return {line.strip().removeprefix("of which ").rsplit(" ", 1)[0].strip(): line.rsplit(" ", 1)[1]
            for line in breakdown(raw).splitlines() if "of which" in line}


def test_the_rate_limit_counts_as_middleware_not_as_fastapi(tmp_path):
    limit = (f"{REQUEST};RateLimitMiddleware.__call__ (/srv/shared/rate_limit.py:83);"
             f"MovingWindow.hit (/srv/shared/rate_limit.py:60)")
    parts = _parts(tmp_path, (limit, 3), (REQUEST, 1))
    assert parts == {"middleware (body limit, headers, CORS, rate limit)": "75.0%",
                     "FastAPI routing and dependencies": "25.0%"}


def test_opentelemetry_is_known_by_its_full_file_name(tmp_path):
    span = f"{REQUEST};Tracer.start_span ({SITE}/opentelemetry/sdk/trace/__init__.py:1100)"
    assert _parts(tmp_path, (span, 2)) == {"OpenTelemetry (spans, metrics)": "100.0%"}

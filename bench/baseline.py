"""A bare FastAPI endpoint for baselines: no auth, no logging, no outbox.

    python -m bench.baseline --port P [--database-url URL] [--query SQL] [--insert SQL]
                             [--log-reads rows|arg] [--page N]

GET /constant answers a constant. GET /query?arg=X runs `--query` with $1 = X and answers
the rows. POST /insert runs `--insert` with $1 = a new UUID and $2 = the request body text.

`--log-reads` makes /query also write its read into the registry's access log after the query,
on the same connection and with the registry's own statement (services.registry.store.access_log),
as the registry does for every read of a person's data: one entry per person of the rows' column
`person_id` (`rows`; the first --page rows, the page the registry shows of the one more it reads)
or for the person whose id comes before the first "/" of X (`arg`).
"""
import argparse
import uuid
from datetime import datetime, timezone

import asyncpg
import uvicorn
from fastapi import FastAPI, Request

from services.registry.store import access_log


def build(database_url: str | None, query: str | None, insert: str | None, log_reads: str | None = None,
          page: int | None = None) -> FastAPI:
    state: dict = {}

    async def lifespan(app):
        if database_url:
            state["pool"] = await asyncpg.create_pool(database_url, min_size=2, max_size=10)
        yield
        if "pool" in state:
            await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/constant")
    async def constant():
        return {"ok": True}

    @app.get("/query")
    async def run_query(arg: str):
        if not log_reads:
            rows = await state["pool"].fetch(query, arg)
            return [dict(r) for r in rows]
        async with state["pool"].acquire() as conn:
            rows = await conn.fetch(query, arg)
            persons = (list(dict.fromkeys(r["person_id"] for r in rows[:page])) if log_reads == "rows"
                       else [uuid.UUID(arg.split("/")[0])])
            await access_log.insert(conn, [(uuid.uuid4(), p) for p in persons or [None]], service="bench",
                                    actor="bench", roles=["caseworker"], action="read", resource="bench",
                                    reason="benchmark", at=datetime.now(timezone.utc))
        return [dict(r) for r in rows]

    @app.post("/insert", status_code=201)
    async def run_insert(request: Request):
        await state["pool"].execute(insert, uuid.uuid4(), (await request.body()).decode())
        return {"ok": True}

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--query")
    parser.add_argument("--insert")
    parser.add_argument("--log-reads", choices=("rows", "arg"))
    parser.add_argument("--page", type=int)
    args = parser.parse_args()
    uvicorn.run(build(args.database_url, args.query, args.insert, args.log_reads, args.page), host="127.0.0.1",
                port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

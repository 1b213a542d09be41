"""A bare FastAPI endpoint for baselines: no auth, no logging, no outbox.

    python -m bench.baseline --port P [--database-url URL] [--query SQL] [--insert SQL]

GET /constant answers a constant. GET /query?arg=X runs `--query` with $1 = X and answers
the rows. POST /insert runs `--insert` with $1 = a new UUID and $2 = the request body text.
"""
import argparse
import uuid

import asyncpg
import uvicorn
from fastapi import FastAPI, Request


def build(database_url: str | None, query: str | None, insert: str | None) -> FastAPI:
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
        rows = await state["pool"].fetch(query, arg)
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
    args = parser.parse_args()
    uvicorn.run(build(args.database_url, args.query, args.insert), host="127.0.0.1", port=args.port,
                log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

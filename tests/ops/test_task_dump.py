"""`kill -USR1` on a running service logs where each of its tasks waits, and the service goes on:
the way to see why a process went quiet (a loop waiting on a dead connection)."""
import asyncio
import json

import httpx


async def test_sigusr1_logs_where_each_task_waits_and_the_service_goes_on(env):
    proc = env.start("watch")
    await proc.wait_ready()
    proc.dump_tasks()
    dump = None
    for _ in range(50):
        lines = [json.loads(line) for line in proc.log_path.read_text().splitlines() if line.startswith("{")]
        dump = next((line for line in lines if line["logger"] == "shared.service" and " tasks: " in line["message"]), None)
        if dump:
            break
        await asyncio.sleep(0.1)
    assert dump is not None, proc.log_tail()
    assert dump["level"] == "WARNING"
    # The outbox relay and the scheduler wait in the one wake loop; the consumer in aiokafka.
    assert "run (outbox.py" in dump["message"] and "run (scheduler.py" in dump["message"], dump["message"]
    assert "_listen (wake.py" in dump["message"]
    assert proc.popen.poll() is None
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{proc.url}/ready")).status_code == 200

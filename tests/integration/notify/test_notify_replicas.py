"""Two replicas of notify share one delivery queue and one consumer group: every mail goes out
once, whichever replica consumed the event and whichever sender claimed the delivery."""
import asyncio
import uuid
from collections import Counter

from tests.integration.notify.helpers import MailCatcher, envelope, notify_env, order_sent, publish, wait_for

ORDERS = 60


async def test_two_replicas_send_each_mail_once(env):
    catcher = MailCatcher().start()
    try:
        replicas = [env.start("notify", **notify_env(catcher.port)) for _ in range(2)]
        await asyncio.gather(*(r.wait_ready() for r in replicas))
        addresses = []
        for n in range(ORDERS):
            order, provider = uuid.uuid4(), uuid.uuid4()
            address = f"bokning-{n}-{provider.hex[:6]}@utforare.example"
            addresses.append(address)
            await publish(env, "orders.events", str(order), envelope("order.sent", order_sent(order, provider, address)))
        assert await wait_for(lambda: len(catcher.messages) >= ORDERS, 90), [r.log_tail() for r in replicas]
        await asyncio.sleep(3)  # a second copy would come now
        sent = Counter(str(m["To"]) for m in catcher.messages)
        assert sorted(sent) == sorted(addresses)
        assert set(sent.values()) == {1}, [a for a, n in sent.items() if n > 1]
        for replica in replicas:
            assert replica.popen.poll() is None
    finally:
        catcher.stop()

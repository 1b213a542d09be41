"""One trace: the request that sends an order, through the outbox and Kafka, into the watch
and into notify, down to notify's SMTP send of the mail to the provider, every step a span."""
from tests.stack import eventually

SEND = "POST /orders/{order_id}/send"


def ancestry(span, by_id) -> list:
    """The span and its ancestors, nearest first, as far as they were received."""
    chain = [span]
    while chain[-1].parent_id in by_id:
        chain.append(by_id[chain[-1].parent_id])
    return chain


async def test_sending_an_order_is_one_trace_down_to_the_smtp_send(played):
    s, receiver = played.flow.state, played.receiver

    def smtp_sends():
        return [x for x in receiver.trace(s.trace_id) if x.service == "omsorg-notify" and x.name == "smtp send"]

    async def complete():
        return smtp_sends() and any(x.service == "omsorg-watch" for x in receiver.trace(s.trace_id))
    assert await eventually(complete, timeout=20), {(x.service, x.name) for x in receiver.trace(s.trace_id)}
    spans = receiver.trace(s.trace_id)
    by_id = {x.span_id: x for x in spans}
    services = {x.service for x in spans}
    print(f"\ntrace {s.trace_id}: {len(spans)} spans from {sorted(services)}")
    assert services == {"omsorg-orders", "omsorg-watch", "omsorg-notify"}

    # The request, its server span a child of the caller's traceparent.
    (root,) = [x for x in spans if x.name == SEND]
    assert root.service == "omsorg-orders" and root.parent_id not in by_id

    # The mail to provider A: smtp send ← notify handles order.sent ← the relay's Kafka send ← the request.
    topic = played.env.topic("orders.events")
    (smtp,) = smtp_sends()
    assert (smtp.attributes["notify.template"], smtp.attributes["notify.channel"]) == ("order_sent", "email")
    assert [(x.service, x.name) for x in ancestry(smtp, by_id)] == [
        ("omsorg-notify", "smtp send"), ("omsorg-notify", "order.sent process"),
        ("omsorg-orders", f"{topic} send"), ("omsorg-orders", SEND)]

    # The watch handled the same event in the same trace, and armed its timers in it.
    (watched,) = [x for x in spans if x.service == "omsorg-watch" and x.name == "order.sent process"]
    assert [(x.service, x.name) for x in ancestry(watched, by_id)] == [
        ("omsorg-watch", "order.sent process"), ("omsorg-orders", f"{topic} send"), ("omsorg-orders", SEND)]
    assert any(x.parent_id == watched.span_id and x.name == "INSERT" for x in spans)

    # notify publishes notification.delivered in the same trace.
    assert any(x.service == "omsorg-notify" and x.name == f"{played.env.topic('notify.events')} send"
               for x in spans)

"""Trace sampling: OMSORG_TRACE_SAMPLE_RATIO of the traces that start in a service are kept, and a
trace started elsewhere is kept or dropped as its caller decided (parent-based), so none is cut."""
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, set_span_in_context
from pydantic import ValidationError

from shared.settings import Settings
from shared.telemetry import sampler


def _tracer(ratio: float):
    return TracerProvider(sampler=sampler(Settings(env="test", trace_sample_ratio=ratio))).get_tracer("t")


def _parent(sampled: bool):
    flags = TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
    return set_span_in_context(NonRecordingSpan(SpanContext(trace_id=0x1234, span_id=0x5678, is_remote=True,
                                                            trace_flags=flags)))


def test_all_traces_are_kept_by_default_and_none_at_zero():
    assert Settings(env="test").trace_sample_ratio == 1.0
    assert all(_tracer(1.0).start_span("x").is_recording() for _ in range(50))
    assert not any(_tracer(0.0).start_span("x").is_recording() for _ in range(50))


def test_a_ratio_keeps_about_that_share_of_new_traces():
    kept = sum(_tracer(0.25).start_span("x").is_recording() for _ in range(4000))
    assert 800 < kept < 1200


def test_the_callers_choice_holds_whatever_the_ratio():
    assert _tracer(0.0).start_span("x", context=_parent(sampled=True)).is_recording()
    assert not _tracer(1.0).start_span("x", context=_parent(sampled=False)).is_recording()


def test_a_ratio_outside_zero_to_one_is_refused():
    for bad in (-0.1, 1.5):
        with pytest.raises(ValidationError):
            Settings(env="test", trace_sample_ratio=bad)

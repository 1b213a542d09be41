"""Entity tags: one per representation, and If-Match checked against the current one."""
import pytest

from shared import errors
from shared.etag import ensure_current, etag, etag_of


def test_the_same_representation_has_the_same_tag_and_any_change_another():
    note = '{"id": "n1", "versions": [{"version": 1}], "addenda": []}'
    assert etag_of(note) == etag_of(note.encode())
    assert etag_of(note) != etag_of(note.replace("[]", '[{"id": "a1"}]'))
    assert etag_of(note).startswith('"') and etag_of(note).endswith('"') and not etag_of(note).startswith('W/')


def test_if_match_absent_star_or_listing_the_current_tag_passes_and_anything_else_is_412():
    current = etag(7)
    for if_match in (None, "*", current, f'"6", {current}'):
        ensure_current(if_match, current)
    with pytest.raises(errors.DomainError) as raised:
        ensure_current(etag(6), current)
    assert raised.value.code == "etag_mismatch"

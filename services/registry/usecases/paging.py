"""Pages of the registry's lists: the sort key a page starts after, and what a list answers."""
from shared import errors
from shared.pagination import decode_cursor

# A page of a list: its rows in the list's order and the cursor of the next page (None on the last).
Listed = tuple[list, str | None]

_BIGINT = 2 ** 63


def after(cursor: str | None, *types: type) -> tuple | None:
    """The sort key of the last item of the previous page; None for the first page. An integer
    out of the database's range is as invalid as any other cursor the list did not make."""
    key = decode_cursor(cursor, *types)
    if key is not None and any(isinstance(part, int) and not -_BIGINT <= part < _BIGINT for part in key):
        raise errors.invalid("invalid_cursor", "The cursor is not valid",
                             "pass `next_cursor` of the previous page unchanged")
    return key

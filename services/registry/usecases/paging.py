"""Pages of the registry's lists: the sort key a page starts after, and what a list answers."""
from shared.pagination import decode_cursor

# A page of a list: its rows in the list's order and the cursor of the next page (None on the last).
Listed = tuple[list, str | None]


def after(cursor: str | None, *types: type) -> tuple | None:
    """The sort key of the last item of the previous page; None for the first page."""
    return decode_cursor(cursor, *types)

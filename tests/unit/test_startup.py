"""A started process leaves its start-up objects out of the garbage collector's full collections."""
import gc
import weakref

from shared.startup import freeze_startup_objects


def test_the_objects_made_at_start_up_are_frozen_and_garbage_is_collected_first():
    class Cycle:
        pass

    kept, garbage = Cycle(), Cycle()
    garbage.me = garbage          # a cycle only the collector frees
    gone = weakref.ref(garbage)
    del garbage
    try:
        freeze_startup_objects()
        assert gone() is None
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())   # in the permanent generation
    finally:
        gc.unfreeze()

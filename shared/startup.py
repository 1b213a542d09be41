"""What a process does once it has started, before it serves (the services and the web)."""
import gc


def freeze_startup_objects() -> None:
    """Leave what start-up made (modules, routes, models, templates, the access policy: about
    150,000 objects in the registry) out of the garbage collector's full collections. Each full
    collection otherwise walks them all, about 80 ms on this project's 2-core machine: a pause of
    the whole event loop that the requests waiting on it show at p99. After start-up they live as
    long as the process; what is garbage among them is collected first."""
    gc.collect()
    gc.freeze()

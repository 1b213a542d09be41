"""Every event type other services and municipal systems may rely on, one module per topic.

Consumers ignore fields they do not know, so adding an optional field is a compatible
change; removing or renaming one is not. Importing this package registers every type.
"""
from shared.events.catalog.audit import *  # noqa: F401,F403
from shared.events.catalog.journal import *  # noqa: F401,F403
from shared.events.catalog.notify import *  # noqa: F401,F403
from shared.events.catalog.orders import *  # noqa: F401,F403
from shared.events.catalog.registry import *  # noqa: F401,F403
from shared.events.catalog.watch import *  # noqa: F401,F403

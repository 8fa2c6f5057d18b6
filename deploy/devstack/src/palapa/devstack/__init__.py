"""The whole platform on one machine, no Docker: real Tansu, real PostgreSQL, every service a process.

`./palapa up` runs it (`palapa-up`). What is exported here is the launcher's public surface: the developer
tools (palapa.tools) start stacks through it and import nothing else of the launcher.
"""

from .endpoints import tail
from .services import CURHAT_FLOW, SERVICES, ServiceSpec
from .settings import DevstackSettings
from .stack import Stack, StackError

__all__ = ["CURHAT_FLOW", "SERVICES", "DevstackSettings", "ServiceSpec", "Stack", "StackError", "tail"]

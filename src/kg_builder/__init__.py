"""kg_builder: documents to a knowledge graph with provenance, OWL-RL reasoning and SHACL validation.

The public entry points are re-exported here; the CLI (``kg``) and the web app are thin layers over them.
"""

from .config import Settings, load_settings
from .errors import ConfigError, InfoboxError, InputError, KgError, SidecarError, StorageError, ValidationError
from .pipeline import BuildResult, build_graph, run_build

__all__ = [
    "BuildResult",
    "ConfigError",
    "InfoboxError",
    "InputError",
    "KgError",
    "Settings",
    "SidecarError",
    "StorageError",
    "ValidationError",
    "build_graph",
    "load_settings",
    "run_build",
]
__version__ = "0.1.0"

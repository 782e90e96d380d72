"""What a repository's ``dodo.py`` imports: ``from datagen.dodo import *``.

doit changes into the dodo file's directory before importing it, and opens its database (in
``cache/``) before it creates any task, so importing this module makes sure ``cache/`` exists.
"""

from pathlib import Path

from .pipeline.project import Project
from .pipeline.tasks import DOIT_CONFIG as _BASE
from .pipeline.tasks import task_datagen

Path(_BASE["dep_file"]).parent.mkdir(parents=True, exist_ok=True)

# every dataset is a default task (`doit forget` with no argument needs the list)
DOIT_CONFIG = {**_BASE, "default_tasks": [p.stem for p in Project(Path.cwd()).specs()]}

__all__ = ["DOIT_CONFIG", "task_datagen"]

"""What a repository's ``dodo.py`` imports: ``from datagen.dodo import *``.

doit changes into the dodo file's directory before importing it, and opens its database (in
``cache/``) before it creates any task, so importing this module makes sure ``cache/`` exists, and
removes (with a warning) a database doit could not read.
"""

from pathlib import Path

from .pipeline.doitdb import repair_doit_db
from .pipeline.project import Project
from .pipeline.tasks import DOIT_CONFIG as _BASE
from .pipeline.tasks import task_datagen

Path(_BASE["dep_file"]).parent.mkdir(parents=True, exist_ok=True)
repair_doit_db(Path(_BASE["dep_file"]))

# every dataset is a default task (`doit forget` with no argument needs the list)
_STEMS = dict.fromkeys(p.stem for p in Project(Path.cwd()).specs())
DOIT_CONFIG = {**_BASE, "default_tasks": list(_STEMS)}

__all__ = ["DOIT_CONFIG", "task_datagen"]

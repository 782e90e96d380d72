"""`doit` builds every datasets/*.yaml into build/ (the same tasks as `datagen build`)."""

from datagen.dodo import *  # noqa: F403

"""A cache shared by builds on several machines: ``--cache LOCATION`` (or ``DATAGEN_CACHE``).

LOCATION is a folder (on this machine or a shared filesystem) or an fsspec URL: ``s3://bucket/
prefix``, ``gs://...``, ``az://...``, any filesystem fsspec knows. It holds chunk objects in the
layout of ``cache/`` (``objects/<ab>/<key>.<encoding>`` and its meta beside it). The repository's
own ``cache/`` stays the build's working copy: a chunk it lacks is copied from the shared cache
when that holds it, and generated otherwise; a chunk generated is published there. Dumps are
assembled from the working copy, and ``build --publish LOCATION`` puts them on any such storage
too (:meth:`SharedCache.put_output`).

Publication is per object, the object first and its meta last: the meta is the commit marker, so
a reader that finds a meta finds the whole object beside it (or a damaged one, which its digest,
checked on every copy, catches; the chunk is then generated and published over it).

- On a folder (local, or a shared filesystem such as NFS), each file is written to a temporary
  name carrying the host and pid (``.NAME.HOST.PID.RAND.tmp``), then renamed over the real one.
- Anywhere else (S3, GCS, Azure; SFTP, HDFS, whose renames do not replace a file), each file is
  one put, with ``If-None-Match: *`` where the store honours it (S3 does): on an object store an
  object appears whole or not at all, and of two writers of one object the second finds it
  there and writes nothing. Objects are content-addressed, so either writer's bytes are the
  same. (Where a put is not atomic, a reader may find an object half-written under an older
  meta: its digest says so, and it is made again.)

Nothing is ever deleted from a shared cache by datagen (``gc`` prunes ``cache/`` alone): every
object in it is a pure function of its key, so removing any of them (a bucket's lifecycle rule,
say) costs a later build the time to make it again, never a wrong byte.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import CacheError, UsageError
from ..fileio import HOST, alive, temp_path, temp_writer
from ..locations import READ_ONLY, VARIABLE
from .cache import TMP_GRACE, Cache, meta_problem, warn

#: fsspec protocols whose rename replaces a file in one step (a folder, NFS included)
RENAMES = {"file", "local"}
_OWN = ("key", "kind", "size", "digest", "mtime_ns", "document")  # what Cache.put sets itself


def _fsspec() -> Any:
    try:
        import fsspec
    except ImportError:
        raise UsageError(
            "a shared cache (--cache or DATAGEN_CACHE) needs fsspec: pip install 'datagen[store]'"
            " (and 'datagen[s3]' for s3:// URLs)"
        ) from None
    return fsspec


class SharedCache:
    """The shared cache at ``location`` (see the module's documentation); with ``flag``
    ``--publish``, the place ``build --publish`` puts dumps (its errors say so)."""

    def __init__(self, location: str, flag: str = "--cache") -> None:
        fsspec = _fsspec()
        self.location, self.flag = location, flag
        self.what = "the shared cache" if flag == "--cache" else "the dumps' location"
        try:
            self.fs, root = fsspec.core.url_to_fs(location)
        except ImportError as e:  # "Install s3fs to access S3"
            raise UsageError(f"{flag} {location}: {e}") from None
        except ValueError as e:  # "Protocol not known: foo"
            raise UsageError(f"{flag} {location}: not a location fsspec knows ({e})") from None
        self.root = root.rstrip("/") or root
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.renames = any(p in RENAMES for p in protocols)
        self.damaged: set[tuple[str, str]] = set()  # found damaged here: published over

    def path(self, key: str, kind: str) -> str:
        return f"{self.root}/objects/{key[:2]}/{key}.{kind}"

    def fetch(self, cache: Cache, key: str, kind: str) -> dict[str, Any] | None:
        """Copy object ``key.kind`` into ``cache`` when this holds it whole; its meta in
        ``cache``, or None (not here, or damaged: warned about, and then published over)."""
        path = self.path(key, kind)
        try:
            raw = self.fs.cat_file(path + ".meta.json")
        except FileNotFoundError:
            return None
        except Exception as e:  # OSError, or the client's own (botocore's are not OSErrors)
            raise self._error("read", path + ".meta.json", e) from None
        try:
            meta = json.loads(raw)
        except ValueError:
            meta = None
        problem = meta_problem(meta, key, kind)
        if problem is not None:
            warn(f"{self.location}: the meta of {key}.{kind} is malformed ({problem})")
            self.damaged.add((key, kind))
            return None
        try:
            data = self.fs.cat_file(path)
        except FileNotFoundError:  # removed under its meta (a lifecycle rule): made again
            return None
        except Exception as e:
            raise self._error("read", path, e) from None
        extra = {k: v for k, v in meta.items() if k not in _OWN}
        cache.remove(key, kind)  # a stale local meta must not vouch for these bytes meanwhile
        try:
            return cache.put(
                key, kind, [data], meta["document"], expect=(meta["size"], meta["digest"]), **extra
            )
        except CacheError:
            warn(f"{self.location}: {key}.{kind} is damaged (its digest differs from its meta's)")
            self.damaged.add((key, kind))
            return None

    def publish(
        self, cache: Cache, key: str, kind: str, meta: dict[str, Any], required: bool = False
    ) -> str | None:
        """Put ``cache``'s object ``key.kind`` (whose meta is ``meta``) here: the object, then
        the meta (see the module's documentation). None when it was put; else why not (the
        build warns of it once: :func:`unpublished_warning`), or CacheError when ``required``
        (the chunk exists nowhere else). A read-only shared cache is still copied from."""
        path = self.path(key, kind)
        replace = (key, kind) in self.damaged
        body = json.dumps(meta, sort_keys=True).encode()
        try:
            self._put(path, str(cache.path(key, kind)), None, replace)
            self._put(path + ".meta.json", None, body, replace)
        except Exception as e:
            if required:
                raise self._error("write", path, e) from None
            return _reason("write", path, e)
        self.damaged.discard((key, kind))
        return None

    def published(self) -> set[tuple[str, str]]:
        """(key, kind) of every object here with a meta, from one listing; on a folder, the
        temporary files of this host's killed writers are removed on the way."""
        try:
            found = self.fs.find(f"{self.root}/objects", detail=True)
        except FileNotFoundError:
            return set()
        except Exception as e:
            raise self._error("list", f"{self.root}/objects", e) from None
        out = set()
        for name, info in found.items():
            base = name.rsplit("/", 1)[-1]
            if base.endswith(".meta.json"):
                key, _, kind = base.removesuffix(".meta.json").partition(".")
                out.add((key, kind))
            elif self.renames:
                self._remove_orphan(name, info)
        return out

    def _remove_orphan(self, name: str, info: dict[str, Any], of: str | None = None) -> None:
        """Remove ``name`` if it is the temporary file (of ``of``, when given) of a writer on
        this host that was killed (its pid is gone) an hour or more ago: a pid alone may be
        another pid namespace's (containers sharing a host name), where a live writer's file is
        young."""
        writer, mtime = temp_writer(name.rsplit("/", 1)[-1]), info.get("mtime")
        if writer is None or writer[1] != HOST or of not in (None, writer[0]):
            return
        if not isinstance(mtime, (int, float)):
            return
        if time.time() - mtime > TMP_GRACE and not alive(writer[2]):
            with contextlib.suppress(OSError):
                self.fs.rm_file(name)

    def put_output(self, local: Path, name: str, digest: str) -> bool:
        """Put the dump ``local`` (a file, or a directory archive's folder) at ``name`` here,
        unless the one here has ``digest`` already; whether it was put. ``NAME.meta.json``
        beside it records the digest: removed first, written last, so an interrupted put is
        put again. Each file is put as the objects are (a directory archive file by file,
        ``toc.dat`` last, and the files of an older archive no longer in it removed)."""
        target, fs = f"{self.root}/{name}", self.fs
        try:
            if json.loads(fs.cat_file(target + ".meta.json")).get("digest") == digest and (
                fs.exists(target)
            ):
                return False
        except (FileNotFoundError, ValueError, AttributeError):
            pass  # not here, or its meta unreadable: put again
        except Exception as e:
            raise self._error("read", target + ".meta.json", e) from None
        try:
            with contextlib.suppress(FileNotFoundError):
                fs.rm_file(target + ".meta.json")
            if local.is_dir():
                files = sorted(local.iterdir(), key=lambda f: (f.name == "toc.dat", f.name))
                for f in files:
                    self._put(f"{target}/{f.name}", str(f), None, True)
                if fs.isdir(target):
                    keep = {f"{target}/{f.name}".split("://")[-1] for f in files}
                    for old in fs.ls(target, detail=False):
                        if old.split("://")[-1] not in keep and not _temporary(old):
                            fs.rm_file(old)
            else:
                self._put(target, str(local), None, True)
            body = json.dumps({"digest": digest, "file": name}, sort_keys=True).encode()
            self._put(target + ".meta.json", None, body, True)
        except Exception as e:
            raise self._error("write", target, e) from None
        if self.renames:  # the temporary files of killed earlier publications, if any
            folder = target if local.is_dir() else str(PurePosixPath(target).parent)
            for info in self._listing(folder):
                self._remove_orphan(info["name"], info)
        return True

    def _put(self, path: str, file: str | None, data: bytes | None, replace: bool) -> None:
        fs = self.fs
        if not self.renames:  # one put: whole or absent; the second of two writers is refused
            mode = "overwrite" if replace else "create"
            try:
                try:
                    if file is not None:
                        fs.put_file(file, path, mode=mode)
                    else:
                        fs.pipe_file(path, data, mode=mode)
                except TypeError:  # a filesystem whose put takes no mode: a plain (whole) put
                    if file is not None:
                        fs.put_file(file, path)
                    else:
                        fs.pipe_file(path, data)
            except FileExistsError:
                pass  # another writer published it first: the same bytes
            return
        where = PurePosixPath(path)
        tmp = str(temp_path(where))
        fs.makedirs(str(where.parent), exist_ok=True)
        for info in self._listing(str(where.parent)):  # killed writers' files of this path
            self._remove_orphan(info["name"], info, of=where.name)
        try:
            if file is not None:
                fs.put_file(file, tmp)
            else:
                fs.pipe_file(tmp, data)
            fs.mv(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):  # never written, or already gone
                fs.rm_file(tmp)
            raise

    def _listing(self, folder: str) -> list[dict[str, Any]]:
        try:
            return list(self.fs.ls(folder, detail=True))
        except Exception:
            return []  # gone meanwhile, or unreadable: nothing to clean

    def _error(self, verb: str, path: str, e: Exception) -> CacheError:
        also = f" (and {VARIABLE})" if self.flag == "--cache" else ""
        return CacheError(
            f"{self.what} {self.location}: {_reason(verb, path, e)}; check the location and "
            f"its credentials, or build without {self.flag}{also}"
        )


def _reason(verb: str, path: str, e: Exception) -> str:
    return f"cannot {verb} {path} ({type(e).__name__}: {e})"


def unpublished_warning(where: str, why: str) -> str:
    """The warning for chunks of ``cache/`` that could not be published to ``where``."""
    return (
        f"chunks made here are not published to the shared cache {where}: {why}. The next "
        f"build that can write there publishes them ({READ_ONLY}=1 if you may only read it)"
    )


def _temporary(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith(".") and base.endswith(".tmp")


@functools.lru_cache(maxsize=4)
def shared(where: str, flag: str = "--cache") -> SharedCache:
    """This process's :class:`SharedCache` at ``where`` (kept: fsspec's clients are costly;
    forgotten in a forked child, as fsspec's clients are not fork-safe: ``build -j N``)."""
    return SharedCache(where, flag)


os.register_at_fork(after_in_child=shared.cache_clear)


__all__ = ["SharedCache", "shared", "unpublished_warning"]

"""The no-op stamp (datagen.stamp): a whole-repository build writes it; ``datagen build`` and
``check`` answer from it without importing the build machinery; any change to a spec, a lock, an
output, the code or the cache makes it stale, and a stale stamp never answers."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_pipeline import FIXTURE, edit, make_repo

from datagen import stamp
from datagen.entry import main
from datagen.pipeline import build as pipeline


@pytest.fixture
def repo(tmp_path) -> Path:
    r = make_repo(tmp_path / "r")
    spec = yaml.safe_load(FIXTURE.read_text())
    spec["outputs"] = ["copy", "directory"]
    (r / "datasets" / "five.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    pipeline.build(r, out=io.StringIO())
    assert stamp.fresh(r) == ["five: up to date"]
    return r


def later(path: Path) -> None:
    """Give ``path`` a newer time (a file replaced by an editor or a checkout)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_each_change_makes_the_stamp_stale(repo):
    causes = {
        "spec": lambda: edit(repo, lambda t, s: t["reviews"].update(rows=501)),
        "lock": lambda: (repo / "datasets" / "five.lock.json").write_text(
            (repo / "datasets" / "five.lock.json").read_text() + " "
        ),
        "output": lambda: later(repo / "build" / "five.sql"),
        "archive file": lambda: later(next((repo / "build" / "five.dir").iterdir())),
        "output record": lambda: later(next((repo / "cache" / "outputs").iterdir())),
        "cache object": lambda: next(
            p for p in (repo / "cache" / "objects").rglob("*.copy")
        ).unlink(),
        "new spec": lambda: (repo / "datasets" / "more.yaml").write_text("version: 1\n"),
    }
    for cause, change in causes.items():
        before = {p: p.read_bytes() for p in (repo / "datasets").iterdir()}
        change()
        assert stamp.fresh(repo) is None, cause
        for p in (repo / "datasets").iterdir():  # back as it was, and built again
            if p not in before:
                p.unlink()
        for p, data in before.items():
            p.write_bytes(data)
        pipeline.build(repo, out=io.StringIO())
        assert stamp.fresh(repo) == ["five: up to date"], cause


def test_a_library_upgrade_or_another_python_makes_it_stale(repo, tmp_path, monkeypatch):
    fake = tmp_path / "numpy_init.py"
    fake.write_text("# numpy\n")
    real = importlib.util.find_spec

    def find_spec(name, *args):
        if name == "numpy":
            return importlib.util.spec_from_file_location("numpy", fake)
        return real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    stamp.write(repo, ["five: up to date"])
    assert stamp.fresh(repo) == ["five: up to date"]
    later(fake)  # pip upgraded numpy: its files are new
    assert stamp.fresh(repo) is None
    stamp.write(repo, ["five: up to date"])
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert stamp.fresh(repo) is None


def test_a_stale_stamp_never_makes_check_pass(repo, capsys):
    edit(repo, lambda t, s: t["reviews"].update(rows=501))
    with pytest.raises(SystemExit) as e:
        main(["check", "-C", str(repo)])
    assert e.value.code == 1
    assert (
        "table public.reviews: the spec changed since the lock was written"
        in capsys.readouterr().err
    )
    (repo / "cache" / "stamp.json").write_text('{"state": "forged", "lines": []}')
    with pytest.raises(SystemExit):
        main(["check", "-C", str(repo)])


def test_the_no_op_imports_nothing_heavy(repo):
    code = (
        "import sys; from datagen.entry import main; main(sys.argv[1:]); "
        "print(sorted(m for m in ('numpy', 'click', 'doit', 'jsonschema', 'faker', 'yaml') "
        "if m in sys.modules))"
    )
    for args in (["build", "-C", str(repo), "-j", "2"], ["check", "--directory", str(repo)]):
        r = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
        )
        expected = "five: up to date" if args[0] == "build" else "all locks match their specs"
        assert r.stdout.splitlines() == [expected, "[]"], r.stdout


def test_only_whole_repository_runs_use_it(repo, capsys):
    assert not stamp.no_op(["build", "five", "-C", str(repo)])  # a name: the full path
    assert not stamp.no_op(["check", "-j", "2", "-C", str(repo)])  # check has no -j
    assert not stamp.no_op(["verify", "-C", str(repo)])
    assert not stamp.no_op(["build", "-j", "0", "-C", str(repo)])  # click refuses it
    assert stamp.no_op(["build", "--jobs=2", "--directory", str(repo)])
    # where chunks would be made does not matter when none are: no cluster is reached
    assert stamp.no_op(
        ["build", "--executor", "dask", "--scheduler", "tcp://10.0.0.5:1", "-C", str(repo)]
    )
    assert stamp.no_op(["build", "--executor=dask", "-C", str(repo)])
    assert not stamp.no_op(["check", "--executor", "dask", "-C", str(repo)])  # not check's
    assert not stamp.no_op(["build", "--executor", "cloud", "-C", str(repo)])  # click refuses it
    pipeline.build(repo, ["five"], out=io.StringIO())
    assert not (repo / "cache" / "stamp.json").exists()  # a named build leaves none
    os.environ["DATAGEN_NO_STAMP"] = "1"
    try:
        pipeline.build(repo, out=io.StringIO())
        assert stamp.fresh(repo) is not None
        capsys.readouterr()
        stamp.write(repo, ["from the stamp"])  # fresh, but not to be read
        main(["build", "-C", str(repo)])  # the full path: it writes the stamp anew
        assert capsys.readouterr().out == "five: up to date\n"
        assert stamp.fresh(repo) == ["five: up to date"]
        main(["build", "-C", str(repo), "--help"])  # anything else goes to click
        assert "Usage: datagen build" in capsys.readouterr().out
    finally:
        del os.environ["DATAGEN_NO_STAMP"]


def test_what_changes_while_the_build_checks_itself_is_not_stamped(repo, monkeypatch):
    """The stamp records the repository as it was checked: a spec edited during the build, or
    while its checks run, leaves no stamp (the full path runs next time)."""
    real_current = pipeline._current

    def edited_during_checks(project, compiled):
        ok = real_current(project, compiled)
        edit(repo, lambda t, s: t["reviews"].update(rows=502))
        return ok

    monkeypatch.setattr(pipeline, "_current", edited_during_checks)
    edit(repo, lambda t, s: t["reviews"].update(rows=501))
    pipeline.build(repo, out=io.StringIO())
    assert stamp.fresh(repo) is None
    monkeypatch.undo()

    real_run = pipeline.run_doit

    def edited_during_build(*args, **kwargs):
        report = real_run(*args, **kwargs)
        edit(repo, lambda t, s: t["reviews"].update(rows=503))
        return report

    monkeypatch.setattr(pipeline, "run_doit", edited_during_build)
    pipeline.build(repo, out=io.StringIO())
    assert stamp.fresh(repo) is None


def test_odd_entries_and_arguments_get_the_full_path(repo, monkeypatch):
    (repo / "datasets" / "extra.yaml").symlink_to(repo / "nowhere.yaml")
    assert stamp.fresh(repo) is None  # the full path says the spec cannot be read
    (repo / "datasets" / "extra.yaml").unlink()
    assert stamp.fresh(repo) == ["five: up to date"]
    (repo / "datasets" / "extra.yaml").mkdir()
    assert stamp.fresh(repo) is None
    (repo / "datasets" / "extra.yaml").rmdir()
    monkeypatch.chdir(repo)
    assert stamp.no_op(["build"])  # the current directory
    assert not stamp.no_op(["build", "-j", "\u00b2"])  # not a number the CLI takes
    assert not stamp.no_op(["build", "-C", ""])
    assert not stamp.no_op(["build", "--directory="])
    (repo / "cache" / "doit.sqlite3").unlink()  # doit's memory is part of the answer
    assert stamp.fresh(repo) is None

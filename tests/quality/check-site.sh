#!/usr/bin/env bash
# Checks a built archive site with outside validators: the Nu HTML Checker (vnu-jar) on every
# page, and axe-core in headless Chromium on one page of each kind. Needs java, node/npm and
# chromium; installs vnu-jar, axe-core and playwright-core into a temporary folder.
#   tests/quality/check-site.sh public
set -euo pipefail
site="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
tools="$(mktemp -d)"
trap 'kill ${server:-0} 2>/dev/null || true; rm -rf "$tools"' EXIT

echo "== installing vnu-jar, axe-core, playwright-core (npm)"
(cd "$tools" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund vnu-jar axe-core playwright-core >/dev/null)

echo "== Nu HTML Checker: every page"
java -jar "$tools/node_modules/vnu-jar/build/dist/vnu.jar" --skip-non-html --errors-only "$site"
echo "no errors in $(find "$site" -name '*.html' | wc -l) pages"

echo "== axe-core: one page of each kind"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
sleep 1
post=$(cd "$site" && find . -name persetujuan.json | head -1 | sed 's|^\.||; s|persetujuan.json$||')
kind=$(cd "$site" && ls jenis | head -1)
sop=$(cd "$site" && ls sop | grep -v index.html | head -1)
recap=$(cd "$site" && find rekap -mindepth 2 -maxdepth 2 -type d | sort | tail -1)
pages=(/ "$post" "/jenis/" "/jenis/$kind/" "/sop/$sop/" "/arsip/" "/rekap/" "/$recap/" "/404.html")
[ -d "$site/cari" ] && pages+=(/cari/)
NODE_PATH="$tools/node_modules" node "$here/axe.js" "http://127.0.0.1:$port" "${pages[@]}"

#!/usr/bin/env bash
# Starts the real window N times in a row under one Xvfb, as gui-test.sh
# does (a clean home, a sample message, wait for the window, stop it), to
# catch start-ups that fail now and then. Best run while the machine is
# loaded, e.g. beside `CGO_ENABLED=0 go test -count=1 ./inspector/...`.
# Every start's whole stderr is kept in build/gui-start-loop/N.log.
#
# usage: .ci/gui-start-loop.sh [N] [BINARY]     (default 20 ./mailinspector)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${1:-20}
BIN=${2:-./mailinspector}
LOGS=build/gui-start-loop
X11_LOGS=$LOGS
. .ci/x11.sh

[ -x "$BIN" ] || { echo "no binary $BIN: run make build first" >&2; exit 1; }
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log
WORK=$(mktemp -d)
trap 'x11_cleanup; rm -rf "$WORK"' EXIT
start_xvfb 1920x1080 || exit 1

for i in $(seq "$N"); do
	home=$WORK/home
	XDG_CONFIG_HOME=$home/.config clean_home "$home" "$ROOT/assets/samples/snapshot.json"
	start=$(date +%s%3N)
	HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share LANG=C.UTF-8 FYNE_THEME=dark \
		"$BIN" "$ROOT/assets/samples/spoof.eml" >"$LOGS/$i.log" 2>&1 &
	pid=$!
	if w=$(wait_window "$pid") && wait_title "$w" "— spoof.eml" 2>/dev/null; then
		ms=$(($(date +%s%3N) - start))
		pass "start $i: window $w with the message in $((ms / 1000)).$((ms % 1000 / 100))s, load $(cut -d' ' -f1 /proc/loadavg)"
	else
		if kill -0 "$pid" 2>/dev/null; then st="still running"; else wait "$pid"; st="exited with status $?"; fi
		fail "start $i: no window with the message ($st)"
		log_excerpt "$LOGS/$i.log"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
x11_summary

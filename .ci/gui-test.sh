#!/usr/bin/env bash
# The real window under Xvfb (make test-gui). It starts the built binary
# with a sample message, and drops a message onto the empty window with a
# real XDND drop (.ci/xdnd-drop, first checked against a fake target by
# .ci/xdnd-drop-test), each in the light and dark themes, at 800x600 and at
# 1600x1000, opens an mbox of 5,000 messages (the samples over and over)
# as a message list, and saves a screenshot of each to build/screenshots/
# (kept as a CI artifact). Every app's whole stderr is kept in build/gui-logs/NAME.log;
# a failed case shows the start of its panic, if any.
#
# usage: .ci/gui-test.sh [BINARY]     (default ./mailinspector)
# XDND_DROP=TOOL runs another drop tool with the same arguments.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${1:-./mailinspector}
OUT=build/screenshots
LOGS=build/gui-logs
X11_LOGS=$LOGS
XDND=${XDND_DROP:-$ROOT/.ci/xdnd-drop}
SAMPLES=$ROOT/assets/samples
. .ci/x11.sh

[ -x "$BIN" ] || { echo "no binary $BIN: run make build first" >&2; exit 1; }
mkdir -p "$OUT" "$LOGS"
rm -f "$OUT"/start-*.png "$OUT"/drop-*.png "$OUT"/mailbox-*.png "$LOGS"/*.log
WORK=$(mktemp -d)
trap 'x11_cleanup; rm -rf "$WORK"' EXIT
start_xvfb 1920x1080 || exit 1

# The drop tool against a fake target: takes a drop, refuses one, fails on
# silence and on a window that takes no drops.
if "$ROOT/.ci/xdnd-drop-test" "$XDND" >"$LOGS/xdnd-drop-test.log" 2>&1; then
	pass "xdnd-drop: its protocol checks against a fake XDND target ($LOGS/xdnd-drop-test.log)"
else
	fail "xdnd-drop: its protocol checks against a fake XDND target"
	sed 's/^/  | /' "$LOGS/xdnd-drop-test.log"
fi

# run_app NAME THEME SIZE ARGS...: starts the app in a clean home and
# prints its window id.
APP_PID=
run_app() {
	local name=$1 theme=$2 size=$3
	shift 3
	local home=$WORK/home-$name
	XDG_CONFIG_HOME=$home/.config clean_home "$home" "$SAMPLES/snapshot.json"
	HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share LANG=C.UTF-8 FYNE_THEME=$theme \
		"$BIN" "$@" >"$LOGS/$name.log" 2>&1 &
	APP_PID=$!
	X11_PIDS+=("$APP_PID")
}

stop_app() {
	kill "$APP_PID" 2>/dev/null
	wait "$APP_PID" 2>/dev/null
}

# app_failed NAME WHAT: a failed case, with how the app ended and the start
# of its log.
app_failed() {
	local name=$1 what=$2 status
	if kill -0 "$APP_PID" 2>/dev/null; then
		status="the app is still running"
	else
		wait "$APP_PID" 2>/dev/null
		status="the app exited with status $?"
	fi
	fail "$name: $what ($status)"
	log_excerpt "$LOGS/$name.log"
}

# open_case NAME THEME SIZE FILE WHAT: starts the app with FILE, waits
# until the title names the file and no check runs, and takes a
# screenshot; WHAT says what passed.
open_case() {
	local name=$1 theme=$2 size=$3 file=$4 what=$5 w
	run_app "$name" "$theme" "$size" "$file"
	if ! w=$(wait_window "$APP_PID"); then
		app_failed "$name" "no window appeared"
		return
	fi
	xdotool windowsize "$w" "${size%x*}" "${size#*x}"
	if wait_title "$w" "— $(basename "$file")" && wait_checked "$w"; then
		sleep 0.5 # let the window redraw
		if shot "$w" "$OUT/$name.png" && kill -0 "$APP_PID" 2>/dev/null; then
			pass "$name: $what ($OUT/$name.png)"
		else
			app_failed "$name" "screenshot or app died"
		fi
	else
		app_failed "$name" "$(basename "$file") did not open, or its check did not end"
	fi
	stop_app
}

# A large mailbox: 5,000 messages, the three samples in turn, each after
# an mbox "From " line.
BIGBOX=$WORK/big.mbox
for f in newsletter spoof mailing-list; do
	printf 'From sender@example Mon Jan  5 10:00:00 2026\n'
	tr -d '\r' <"$SAMPLES/$f.eml"
	printf '\n'
done >"$WORK/three.mbox"
for _ in $(seq 1667); do cat "$WORK/three.mbox"; done | awk '/^From sender@example /{m++} m<=5000' >"$BIGBOX"

for theme in light dark; do
	# The large mailbox opens as a list, is checked to the end (the title
	# says "checking…" until then) and the app lives on.
	open_case "mailbox-$theme-1280x800" "$theme" 1280x800 "$BIGBOX" "an mbox of 5,000 messages listed and checked"

	for size in 800x600 1600x1000; do
		# Started with a sample message, as a double-click does.
		case $theme in light) msg=newsletter.eml ;; dark) msg=spoof.eml ;; esac
		open_case "start-$theme-$size" "$theme" "$size" "$SAMPLES/$msg" "$msg opened from the command line"
	done

	# A real drag and drop onto the empty window.
	name=drop-$theme-800x600
	run_app "$name" "$theme" 800x600
	if ! w=$(wait_window "$APP_PID"); then
		app_failed "$name" "no window appeared"
		continue
	fi
	xdotool windowsize "$w" 800 600
	sleep 1
	shot "$w" "$OUT/empty-$theme-800x600.png" || fail "$name: empty window screenshot"
	if out=$("$XDND" "$w" 400 300 "$SAMPLES/mailing-list.eml" 2>&1) && wait_title "$w" "— mailing-list.eml" && wait_checked "$w"; then
		sleep 0.5
		if shot "$w" "$OUT/$name.png"; then
			pass "$name: dropped mailing-list.eml opened ($OUT/$name.png)"
		else
			fail "$name: screenshot"
		fi
	else
		app_failed "$name" "the drop did not open the message"
		echo "$out" | sed 's/^/  xdnd-drop: /'
	fi
	# A dropped file that is not a message shows an error, not a crash.
	if out=$("$XDND" "$w" 400 300 "$ROOT/app/testdata/webmail-page.html" 2>&1) &&
		wait_title "$w" "— webmail-page.html" && sleep 1 && kill -0 "$APP_PID" 2>/dev/null; then
		shot "$w" "$OUT/drop-error-$theme-800x600.png" || true
		pass "$name: a dropped HTML page gives the error state, the app lives on"
	else
		app_failed "$name" "dropping a non-message"
		echo "$out" | sed 's/^/  xdnd-drop: /'
	fi
	stop_app
done

ls -1 "$OUT"
x11_summary

# Helpers for the tests of the real window, sourced by gui-test.sh and
# package-check.sh: a private Xvfb server, starting the app with a clean
# home (its DNS set to replay the samples' snapshot, so nothing reaches the
# network), waiting for its window, screenshots, and a pass/fail count.

X11_PASSED=0
X11_FAILED=0
X11_PIDS=()

pass() { X11_PASSED=$((X11_PASSED + 1)); echo "PASS: $*"; }
fail() { X11_FAILED=$((X11_FAILED + 1)); echo "FAIL: $*"; }

# start_xvfb WIDTHxHEIGHT: starts a private Xvfb and exports DISPLAY.
#   -displayfd: Xvfb itself takes a free display number, and writes it once
#     it accepts connections, so two test runs at once never share a server;
#   -noreset: by default Xvfb resets when its last client leaves, and a
#     client that connects during the reset cannot open the display. Between
#     two apps of a test there is no client, so on a loaded machine an app
#     started right after the previous one ended sometimes found no display
#     (GLFW "X11: Failed to open display", then Fyne's panic in NewWindow).
# It checks that the server has GLX, without which GLFW gets no OpenGL
# context.
start_xvfb() {
	local n= log dfd
	dfd=$(mktemp)
	log=${X11_LOGS:-build/gui-logs}/xvfb.log
	mkdir -p "$(dirname "$log")"
	Xvfb -displayfd 3 -screen 0 "${1}x24" -nolisten tcp -noreset 3>"$dfd" >"$log" 2>&1 &
	X11_PIDS+=($!)
	for _ in $(seq 200); do
		n=$(cat "$dfd")
		[ -n "$n" ] && break
		if ! kill -0 "${X11_PIDS[-1]}" 2>/dev/null; then
			echo "Xvfb did not start: $(tail -3 "$log")" >&2
			rm -f "$dfd"
			return 1
		fi
		sleep 0.1
	done
	rm -f "$dfd"
	if [ -z "$n" ]; then
		echo "Xvfb did not start in 20s: $(tail -3 "$log")" >&2
		return 1
	fi
	export DISPLAY=":$n"
	if ! xdpyinfo >"$log.info" 2>&1; then
		echo "Xvfb $DISPLAY does not answer: $(tail -3 "$log.info")" >&2
		return 1
	fi
	if ! grep -qw GLX "$log.info"; then
		echo "Xvfb $DISPLAY has no GLX extension: the app would get no OpenGL context" >&2
		return 1
	fi
	rm -f "$log.info"
}

# log_excerpt FILE: what to show of an app's stderr when a case fails: a
# panic's first lines (its message and the first frames of the panicking
# goroutine) with the few lines logged before it, else the log's first
# lines; the whole log stays in FILE.
log_excerpt() {
	local file=$1 at
	[ -s "$file" ] || { echo "  (the app wrote nothing; log $file)"; return; }
	at=$(grep -n -m1 -E '^(panic|fatal error): ' "$file" | cut -d: -f1)
	if [ -n "$at" ]; then
		sed -n "$((at > 3 ? at - 3 : 1)),$((at + 24))p" "$file" | sed 's/^/  | /'
	else
		head -12 "$file" | sed 's/^/  | /'
	fi
	echo "  (whole log: $file, $(wc -l <"$file") lines)"
}

# clean_home DIR SNAPSHOT: a new home whose Mail Inspector settings (Fyne
# keeps them under $XDG_CONFIG_HOME, else ~/.config) replay SNAPSHOT.
clean_home() {
	local home=$1 snapshot=$2 conf
	rm -rf "$home"
	conf=${XDG_CONFIG_HOME:-$home/.config}/fyne/io.github.mailinspector
	mkdir -p "$home" "$conf"
	printf '{"dns.mode":"offline","dns.snapshot":"%s"}\n' "$snapshot" >"$conf/preferences.json"
}

# wait_window PID: prints the id of PID's window once it is mapped.
wait_window() {
	local pid=$1 w
	for _ in $(seq 150); do
		w=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | head -1)
		if [ -n "$w" ]; then
			echo "$w"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_title WINDOW TEXT: waits until the window's title contains TEXT.
wait_title() {
	local w=$1 want=$2 t=""
	for _ in $(seq 100); do
		t=$(xdotool getwindowname "$w" 2>/dev/null || true)
		case "$t" in *"$want"*) return 0 ;; esac
		sleep 0.1
	done
	echo "window title is \"$t\", want it to contain \"$want\"" >&2
	return 1
}

# wait_checked WINDOW: waits until the window's title no longer says a
# check is under way.
wait_checked() {
	local w=$1 t=""
	for _ in $(seq 300); do
		t=$(xdotool getwindowname "$w" 2>/dev/null || true)
		case "$t" in *checking*) ;; *) return 0 ;; esac
		sleep 0.1
	done
	echo "still checking after 30s: \"$t\"" >&2
	return 1
}

# shot WINDOW FILE: screenshot of the window, checked not to be blank.
shot() {
	local w=$1 file=$2 colours
	/usr/bin/import -window "$w" "$file" || return 1
	colours=$(/usr/bin/convert "$file" -format %k info:)
	if [ "${colours:-0}" -lt 16 ]; then
		echo "$file has only $colours colours: the window looks blank" >&2
		return 1
	fi
}

x11_cleanup() {
	local p
	for p in "${X11_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	# Let them exit, so that a caller removing their home does not race an
	# app still saving its preferences there.
	for p in "${X11_PIDS[@]}"; do
		for _ in $(seq 30); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null || true
	done
	X11_PIDS=()
}

# x11_summary: the closing count line; fails when anything failed.
x11_summary() {
	echo "$X11_PASSED passed, $X11_FAILED failed"
	[ "$X11_FAILED" -eq 0 ]
}

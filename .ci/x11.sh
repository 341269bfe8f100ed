# Helpers for the tests of the real window, sourced by gui-test.sh and
# package-check.sh: a private Xvfb server, starting the app with a clean
# home (its DNS set to replay the samples' snapshot, so nothing reaches the
# network), waiting for its window, screenshots, and a pass/fail count.

X11_PASSED=0
X11_FAILED=0
X11_PIDS=()

pass() { X11_PASSED=$((X11_PASSED + 1)); echo "PASS: $*"; }
fail() { X11_FAILED=$((X11_FAILED + 1)); echo "FAIL: $*"; }

# start_xvfb WIDTHxHEIGHT: starts Xvfb on a free display and exports DISPLAY.
start_xvfb() {
	local n
	for n in $(seq 90 130); do
		if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then
			Xvfb ":$n" -screen 0 "${1}x24" -nolisten tcp >/dev/null 2>&1 &
			X11_PIDS+=($!)
			export DISPLAY=":$n"
			for _ in $(seq 50); do
				xdpyinfo >/dev/null 2>&1 && return 0
				[ -e "/tmp/.X11-unix/X$n" ] && xdotool getmouselocation >/dev/null 2>&1 && return 0
				sleep 0.1
			done
			echo "Xvfb :$n did not start" >&2
			return 1
		fi
	done
	echo "no free X display between :90 and :130" >&2
	return 1
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
	X11_PIDS=()
}

# x11_summary: the closing count line; fails when anything failed.
x11_summary() {
	echo "$X11_PASSED passed, $X11_FAILED failed"
	[ "$X11_FAILED" -eq 0 ]
}

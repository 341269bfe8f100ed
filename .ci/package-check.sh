#!/usr/bin/env bash
# Checks the Linux package (make package): installs it with its own
# Makefile into a DESTDIR, as `sudo make install` would into /, then
#   - the installed .desktop entry passes desktop-file-validate and
#     declares MimeType=message/rfc822;application/mbox;
#   - with that entry installed, a saved .eml is of type message/rfc822, an
#     .mbox file application/mbox, and Mail Inspector is the default
#     application of both (update-desktop-database,
#     xdg-mime), and `xdg-open FILE.eml` (what a double-click does) starts
#     the installed binary, whose window shows the message (checked by its
#     title, under Xvfb, with a screenshot in build/screenshots/);
#   - the Exec line itself, run with a file for %F, opens it too;
#   - `make uninstall` removes what was installed.
#
# usage: .ci/package-check.sh [TARBALL]
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARBALL=${1:-$(ls -t build/package/mailinspector-*-linux-*.tar.xz 2>/dev/null | head -1)}
OUT=build/screenshots
LOGS=build/package-check-logs # every app's whole stderr
X11_LOGS=$LOGS
SAMPLE=$ROOT/assets/samples/newsletter.eml
. .ci/x11.sh
[ -f "$TARBALL" ] || { echo "no package: run make package first" >&2; exit 1; }
mkdir -p "$OUT" "$LOGS"
rm -f "$LOGS"/*.log
WORK=$(mktemp -d)
trap 'x11_cleanup; rm -rf "$WORK"' EXIT

mkdir "$WORK/unpacked" "$WORK/root"
tar -xJf "$TARBALL" -C "$WORK/unpacked"
pkg=$(ls -d "$WORK"/unpacked/*)
DEST=$WORK/root
# As on a real system, /usr/local exists, so the Makefile installs there.
mkdir -p "$DEST/usr/local"
if make -C "$pkg" install DESTDIR="$DEST" >"$WORK/install.log" 2>&1; then
	pass "make install DESTDIR=… installs the package"
else
	fail "make install: $(cat "$WORK/install.log")"
	x11_summary
	exit 1
fi
desktop=$(find "$DEST" -name io.github.mailinspector.desktop | head -1)
bin=$(find "$DEST" -path '*/bin/mailinspector' | head -1)
icon=$(find "$DEST" -name io.github.mailinspector.png | head -1)
share=$(dirname "$(dirname "$desktop")")
[ -x "$bin" ] && pass "binary installed: ${bin#$DEST}" || fail "no installed binary"
[ -f "$icon" ] && pass "icon installed: ${icon#$DEST}" || fail "no installed icon"
if out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ]; then
	pass "desktop-file-validate ${desktop#$DEST}"
else
	fail "desktop-file-validate: $out"
fi
grep -qx 'MimeType=message/rfc822;application/mbox;' "$desktop" && pass "the entry declares MimeType=message/rfc822;application/mbox;" || fail "MimeType line: $(grep ^MimeType= "$desktop")"
grep -qx 'Exec=mailinspector %F' "$desktop" && pass "Exec=mailinspector %F" || fail "Exec line: $(grep ^Exec= "$desktop")"

# A desktop session that knows only this entry, as after `sudo make install`.
start_xvfb 1280x800 || exit 1
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share
export XDG_DATA_DIRS=$share:/usr/share PATH="$(dirname "$bin"):$PATH"
unset XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION GNOME_DESKTOP_SESSION_ID XDG_SESSION_DESKTOP
clean_home "$HOME" "$ROOT/assets/samples/snapshot.json"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
update-desktop-database "$share/applications" 2>/dev/null
ftype=$(xdg-mime query filetype "$SAMPLE")
[ "${ftype%%;*}" = message/rfc822 ] && pass "a saved .eml is message/rfc822" || fail "xdg-mime filetype of a .eml: $ftype"
default=$(xdg-mime query default message/rfc822)
[ "$default" = io.github.mailinspector.desktop ] && pass "Mail Inspector is the default application for message/rfc822" ||
	fail "xdg-mime query default message/rfc822: \"$default\""
# A Thunderbird-style mbox file of the sample.
{ echo "From news@northwind.example Tue Mar 10 09:15:04 2026"; sed 's/^From />From /' "$SAMPLE"; echo; } >"$WORK/Inbox.mbox"
ftype=$(xdg-mime query filetype "$WORK/Inbox.mbox")
[ "${ftype%%;*}" = application/mbox ] && pass "an .mbox file is application/mbox" || fail "xdg-mime filetype of an .mbox: $ftype"
default=$(xdg-mime query default application/mbox)
[ "$default" = io.github.mailinspector.desktop ] && pass "Mail Inspector is the default application for application/mbox" ||
	fail "xdg-mime query default application/mbox: \"$default\""

# open_with NAME CMD...: runs CMD, finds the window of the installed app, and
# checks it shows the sample.
open_with() {
	local name=$1 w
	shift
	"$@" >"$LOGS/$name.log" 2>&1 &
	X11_PIDS+=($!)
	for _ in $(seq 100); do
		w=$(xdotool search --onlyvisible --name '^Mail Inspector' 2>/dev/null | head -1)
		[ -n "$w" ] && break
		sleep 0.1
	done
	if [ -z "$w" ]; then
		fail "$name: no Mail Inspector window"
		log_excerpt "$LOGS/$name.log"
		return
	fi
	# xdg-open starts the app as no child of ours: track it too, so that
	# the cleanup waits for it before removing its home.
	local app
	app=$(xdotool getwindowpid "$w" 2>/dev/null) && X11_PIDS+=("$app")
	xdotool windowsize "$w" 800 600
	if wait_title "$w" "— ${OPENED:-newsletter.eml}" && wait_checked "$w" && sleep 0.5 && shot "$w" "$OUT/$name.png"; then
		pass "$name opens the message in the installed app ($OUT/$name.png)"
	else
		fail "$name: the window does not show the message"
		log_excerpt "$LOGS/$name.log"
	fi
	[ -n "$(xprop -id "$w" WM_CLASS 2>/dev/null)" ] && echo "  window $(xprop -id "$w" WM_CLASS)"
	# Closed as a window manager closes it (xdotool windowclose would
	# destroy the window under the app, which then never ends).
	"$ROOT/.ci/wm-close" "$w" || xdotool windowclose "$w" 2>/dev/null || true
	for _ in $(seq 30); do
		xdotool search --name '^Mail Inspector' >/dev/null 2>&1 || break
		sleep 0.1
	done
	# The next launch must find no app ending: wait for it to exit.
	for _ in $(seq 50); do
		[ -n "$app" ] && kill -0 "$app" 2>/dev/null || break
		sleep 0.1
	done
}
open_with package-xdg-open xdg-open "$SAMPLE"
# The Exec line as a launcher runs it, %F replaced by the file.
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
read -r -a cmd <<<"${exec_line//%F/$SAMPLE}"
open_with package-exec "${cmd[@]}"
# A double-clicked mailbox opens as its list of messages.
OPENED=Inbox.mbox open_with package-xdg-open-mbox xdg-open "$WORK/Inbox.mbox"

if make -C "$pkg" uninstall DESTDIR="$DEST" >"$WORK/uninstall.log" 2>&1 && [ -z "$(find "$DEST" -type f -name 'mailinspector*' -o -type f -name 'io.github.mailinspector*')" ]; then
	pass "make uninstall removes it"
else
	fail "make uninstall: $(cat "$WORK/uninstall.log")"
fi
x11_summary

#!/usr/bin/env bash
# Builds the Linux package (make package): the .tar.xz that `fyne package`
# makes, with the .desktop entry, icon and install Makefile, fixed.
#
# The fyne tool is pinned in go.mod (go tool fyne). What this script adds:
#   - FyneApp.toml is restored afterwards: fyne package bumps its Build
#     number and rewrites it on every run.
#   - The generated install Makefile of fyne 1.7.2 has two bugs: Exec is
#     "mailinspector %F" (the %F of the .desktop Exec line), so `make
#     install` looks for a binary named "mailinspector %F"; and Icon lacks
#     its .png extension. Both are patched and the archive repacked.
#
# Output: build/package/mailinspector-VERSION-linux-ARCH.tar.xz
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/package
VERSION=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
ARCH=$(go env GOARCH)
TARBALL=$OUT/mailinspector-$VERSION-linux-$ARCH.tar.xz
mkdir -p "$OUT"
WORK=$(mktemp -d)
cp FyneApp.toml "$WORK/FyneApp.toml"
restore() {
	cp "$WORK/FyneApp.toml" FyneApp.toml
	rm -f "Mail Inspector.tar.xz"
	rm -rf "$WORK"
}
trap restore EXIT

echo "Building the release binary…"
go build -trimpath -ldflags "-s -w" -o "$WORK/mailinspector" .
echo "Packaging with go tool fyne package…"
go tool fyne package -os linux -executable "$WORK/mailinspector"
mkdir "$WORK/pkg"
tar -xJf "Mail Inspector.tar.xz" -C "$WORK/pkg"
top=$(ls "$WORK/pkg")
mk="$WORK/pkg/$top/Makefile"
grep -q '^Exec := "mailinspector %F"$' "$mk" || { echo "unexpected Exec line in the generated Makefile" >&2; exit 1; }
sed -i \
	-e 's/^Exec := .*/Exec := mailinspector/' \
	-e 's/^Icon := .*/Icon := io.github.mailinspector.png/' \
	-e 's/^AppID := .*/AppID := io.github.mailinspector/' \
	"$mk"
desktop=$(find "$WORK/pkg/$top/usr" -name 'io.github.mailinspector.desktop')
grep -q '^Exec=mailinspector %F$' "$desktop" || { echo "unexpected Exec line in the .desktop entry" >&2; exit 1; }
grep -q '^MimeType=message/rfc822;application/mbox;$' "$desktop" || { echo "the .desktop entry lacks MimeType=message/rfc822;application/mbox;" >&2; exit 1; }
rm -f "$TARBALL"
tar -cJf "$TARBALL" -C "$WORK/pkg" "$top"
echo "Package: $TARBALL"

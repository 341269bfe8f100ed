# Mail Inspector. The README's two commands are `make run` and `make test`.
# Both install the Debian packages they need when they are missing (with
# sudo only when not root).

export PATH := $(PATH):/usr/local/go/bin

BIN := mailinspector

# What Fyne's GLFW driver needs to build (cgo, OpenGL, X11).
DEBS_BUILD := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# What the tests of the real window need: a virtual X server and xdpyinfo
# (its GLX check), window tools, screenshots, python3-xlib for Debian's
# /usr/bin/python3 that runs .ci/xdnd-drop, .desktop validation.
DEBS_TEST := xvfb x11-utils xdotool imagemagick python3-xlib desktop-file-utils xauth

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# install-debs PACKAGES: apt-get install those not installed yet.
define install-debs
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

.PHONY: all run build deps deps-test test test-go test-gui fuzz-smoke vet package package-build package-check clean

all: build

deps:
	$(call install-debs,$(DEBS_BUILD))

deps-test: deps
	$(call install-debs,$(DEBS_TEST))

build: deps
	go build -o $(BIN) .

run: build
	./$(BIN)

vet:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt needed:" $$bad; exit 1; fi
	go vet ./...

# The engine and the GUI test as pure Go (Fyne's test driver), without cgo.
test-go:
	CGO_ENABLED=0 go test -count=1 ./inspector/... ./app/... ./assets/...

# Everything: formatting and vet, the Go tests, the real window under Xvfb,
# and the Linux package.
test: deps-test build vet test-go test-gui package fuzz-smoke

# Every fuzz target for 50,000 executions (FUZZTIME=1000000x or
# FUZZTIME=1m make fuzz-smoke for longer; why a count, see .ci/fuzz-smoke).
# New inputs are minimised only briefly: a short run should fuzz, not
# minimise.
fuzz-smoke:
	FUZZFLAGS="$${FUZZFLAGS:--fuzzminimizetime=1x}" .ci/fuzz-smoke

# The real window under Xvfb (.ci/gui-test.sh): the binary started with a
# sample message, and a real XDND drop onto the empty window, in the light
# and dark themes, at 800x600 and 1600x1000. Screenshots go to
# build/screenshots/ (a CI artifact), with every details tab of every sample
# rendered by Fyne's software painter in build/screenshots/tabs/.
test-gui: deps-test build
	.ci/gui-test.sh ./$(BIN)
	MI_TAB_SHOTS=$(CURDIR)/build/screenshots/tabs CGO_ENABLED=0 go test -count=1 -run TestTabScreenshots ./app

# The Linux package: package-build makes build/package/*.tar.xz with the
# fyne tool pinned in go.mod (its install Makefile fixed, FyneApp.toml left
# unchanged); package-check installs it into a DESTDIR with its Makefile
# and checks the .desktop entry (desktop-file-validate, MimeType
# message/rfc822) and that xdg-open of a .eml starts the installed app.
package: package-build
	@$(MAKE) --no-print-directory package-check

package-build: deps
	.ci/package.sh

# What checking the installed package needs besides DEBS_TEST: xdg-open and
# xdg-mime, the MIME database that knows .eml, xprop, and xz for the archive.
DEBS_PACKAGE := xdg-utils shared-mime-info x11-utils xz-utils

package-check: deps-test
	$(call install-debs,$(DEBS_PACKAGE))
	.ci/package-check.sh

clean:
	rm -f $(BIN)

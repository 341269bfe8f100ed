# Mail Inspector. The README's two commands are `make run` and `make test`.
# Both install the Debian packages they need when they are missing (with
# sudo only when not root).

export PATH := $(PATH):/usr/local/go/bin

BIN := mailinspector

# What Fyne's GLFW driver needs to build (cgo, OpenGL, X11).
DEBS_BUILD := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# What the tests of the real window need: a virtual X server, window tools,
# screenshots, the XDND drop tool's Python binding, .desktop validation.
DEBS_TEST := xvfb xdotool imagemagick python3-xlib desktop-file-utils xauth

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# install-debs PACKAGES: apt-get install those not installed yet.
define install-debs
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

.PHONY: all run build deps deps-test test test-go test-gui fuzz-smoke vet package clean

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
	CGO_ENABLED=0 go test -count=1 ./inspector/... ./app/...

# Everything: formatting and vet, the Go tests, the real window under Xvfb,
# and the Linux package.
test: deps-test build vet test-go test-gui package

test-gui:
	@echo "GUI tests under Xvfb: not written yet"

package:
	@echo "packaging: not written yet"

clean:
	rm -f $(BIN)

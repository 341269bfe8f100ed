package inspector_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoGUIImports holds the architecture: the engine turns bytes into a
// Report and never imports a GUI toolkit, so that the CLI and any other
// front end can use it without one. It asks the go command for every
// dependency of every package under inspector/.
func TestNoGUIImports(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ./...: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list gave %d packages; want the engine's dependencies:\n%s", len(deps), out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "fyne.io/") || strings.Contains(d, "/go-gl/") {
			t.Errorf("the engine depends on %s: inspector/ must never import a GUI toolkit", d)
		}
	}
}

package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mailinspector/mailinspector/assets"
)

func TestSettingsToOptions(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.dns.json")
	if err := os.WriteFile(good, assets.SampleSnapshot(), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.dns.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		s       settings
		wantErr string
		check   func(t *testing.T, s settings)
	}{
		{"system", settings{Mode: dnsSystem, Timeout: time.Second}, "", nil},
		{"server", settings{Mode: dnsServer, Server: "127.0.0.1:5353", Timeout: 3 * time.Second}, "", nil},
		{"server ipv6", settings{Mode: dnsServer, Server: "[::1]:53", Timeout: time.Second}, "", nil},
		{"server without port", settings{Mode: dnsServer, Server: "127.0.0.1", Timeout: time.Second}, "give an address and a port", nil},
		{"offline", settings{Mode: dnsOffline, Snapshot: good, Timeout: time.Second}, "", nil},
		{"offline without file", settings{Mode: dnsOffline, Timeout: time.Second}, "needs a DNS snapshot file", nil},
		{"offline bad file", settings{Mode: dnsOffline, Snapshot: bad, Timeout: time.Second}, bad, nil},
		{"offline missing file", settings{Mode: dnsOffline, Snapshot: filepath.Join(dir, "gone.json"), Timeout: time.Second}, "gone.json", nil},
		{"zero timeout", settings{Mode: dnsSystem}, "timeout", nil},
		{"unknown mode", settings{Mode: "carrier pigeon", Timeout: time.Second}, "unknown DNS source", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := tc.s.options()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if opts.DNS.Timeout != tc.s.Timeout {
				t.Errorf("timeout %v, want %v", opts.DNS.Timeout, tc.s.Timeout)
			}
			switch tc.s.Mode {
			case dnsServer:
				if len(opts.DNS.Servers) != 1 || opts.DNS.Servers[0] != tc.s.Server {
					t.Errorf("servers %v", opts.DNS.Servers)
				}
			case dnsOffline:
				if opts.DNS.Replay == nil {
					t.Error("offline mode does not replay the snapshot")
				}
			default:
				if len(opts.DNS.Servers) != 0 || opts.DNS.Replay != nil {
					t.Errorf("system mode names servers %v or a snapshot", opts.DNS.Servers)
				}
			}
		})
	}
}

func TestSettingsPersistInPreferences(t *testing.T) {
	fa := test.NewTempApp(t)
	if got := loadSettings(fa.Preferences()); got.Mode != dnsSystem || got.Timeout <= 0 {
		t.Errorf("defaults %+v", got)
	}
	want := settings{Mode: dnsOffline, Server: "10.0.0.1:53", Timeout: 1500 * time.Millisecond, Snapshot: "/x.json"}
	want.save(fa.Preferences())
	if got := loadSettings(fa.Preferences()); got != want {
		t.Errorf("loaded %+v, want %+v", got, want)
	}
}

// A bad offline snapshot shows in the message's tab as an error, not a
// crash or a silent check against the network.
func TestBadOfflineSnapshotIsAnError(t *testing.T) {
	srv := startZone(t)
	a := newTestApp(t, srv)
	settings{Mode: dnsOffline, Snapshot: "/nonexistent/snap.json", Timeout: time.Second}.save(a.fyne.Preferences())
	a.OpenFiles([]string{sample(t, "newsletter.eml")})
	e := a.entries[0]
	wait(t, e)
	if e.err == nil || !strings.Contains(e.err.Error(), "/nonexistent/snap.json") {
		t.Fatalf("error %v, want one naming the snapshot", e.err)
	}
	if srv.Queries() != 0 {
		t.Error("a query went out although offline mode was chosen")
	}
}

func TestSettingsDialogSaves(t *testing.T) {
	a := newTestApp(t, startZone(t))
	a.showSettingsWith(settings{Mode: dnsServer, Server: "127.0.0.1:53", Timeout: 2 * time.Second})
	over := a.win.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("no settings dialog")
	}
	text := allText(over)
	for _, want := range []string{modeLabels[dnsSystem], modeLabels[dnsServer], modeLabels[dnsOffline], "Timeout (seconds)"} {
		if !strings.Contains(text, want) {
			t.Errorf("settings dialog lacks %q", want)
		}
	}
	for _, b := range buttons(over) {
		if b.Text == "Save" {
			b.OnTapped()
		}
	}
	if got := loadSettings(a.fyne.Preferences()); got.Server != "127.0.0.1:53" || got.Mode != dnsServer {
		t.Errorf("saved %+v", got)
	}
}

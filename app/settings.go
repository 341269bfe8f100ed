package app

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// Where DNS answers come from.
const (
	dnsSystem  = "system"
	dnsServer  = "server"
	dnsOffline = "offline"
)

// Preference keys.
const (
	prefDNSMode     = "dns.mode"
	prefDNSServer   = "dns.server"
	prefDNSTimeout  = "dns.timeout_seconds"
	prefDNSSnapshot = "dns.snapshot"
)

// settings are the user's choices for DNS, kept in Fyne's preferences.
type settings struct {
	// Mode is dnsSystem, dnsServer or dnsOffline.
	Mode string
	// Server is "host:port", for dnsServer.
	Server string
	// Timeout bounds each query.
	Timeout time.Duration
	// Snapshot is the snapshot file replayed in dnsOffline.
	Snapshot string
	// KeepKeys keeps the key archive, RememberSenders the memory of
	// senders (see memories); both on unless turned off.
	KeepKeys, RememberSenders bool
}

func loadSettings(p fyne.Preferences) settings {
	s := settings{
		Mode:     p.StringWithFallback(prefDNSMode, dnsSystem),
		Server:   p.String(prefDNSServer),
		Timeout:  time.Duration(p.FloatWithFallback(prefDNSTimeout, resolver.DefaultTimeout.Seconds()) * float64(time.Second)),
		Snapshot: p.String(prefDNSSnapshot),

		KeepKeys:        p.BoolWithFallback(prefKeepKeys, true),
		RememberSenders: p.BoolWithFallback(prefRememberSenders, true),
	}
	if s.Timeout <= 0 {
		s.Timeout = resolver.DefaultTimeout
	}
	return s
}

func (s settings) save(p fyne.Preferences) {
	p.SetString(prefDNSMode, s.Mode)
	p.SetString(prefDNSServer, s.Server)
	p.SetFloat(prefDNSTimeout, s.Timeout.Seconds())
	p.SetString(prefDNSSnapshot, s.Snapshot)
	p.SetBool(prefKeepKeys, s.KeepKeys)
	p.SetBool(prefRememberSenders, s.RememberSenders)
}

// validate says what is wrong with s, in words for the settings dialog.
func (s settings) validate() error {
	switch s.Mode {
	case dnsSystem:
	case dnsServer:
		host, port, err := net.SplitHostPort(s.Server)
		if err != nil || host == "" || port == "" {
			return fmt.Errorf("DNS server %q: give an address and a port, e.g. 127.0.0.1:53 or [2001:db8::53]:53", s.Server)
		}
	case dnsOffline:
		if s.Snapshot == "" {
			return fmt.Errorf("offline mode needs a DNS snapshot file (saved from the DNS tab, or with mailinspector check --record)")
		}
	default:
		return fmt.Errorf("unknown DNS source %q", s.Mode)
	}
	if s.Timeout <= 0 || s.Timeout > time.Minute {
		return fmt.Errorf("timeout %v: give a number of seconds between 0.1 and 60", s.Timeout)
	}
	return nil
}

// options turns s into the engine's options; offline mode reads the
// snapshot file, and a bad one is an error naming it.
func (s settings) options() (inspector.Options, error) {
	if err := s.validate(); err != nil {
		return inspector.Options{}, err
	}
	opts := inspector.Options{DNS: resolver.Config{Timeout: s.Timeout}}
	switch s.Mode {
	case dnsServer:
		opts.DNS.Servers = []string{s.Server}
	case dnsOffline:
		snap, err := resolver.ReadSnapshot(s.Snapshot)
		if err != nil {
			return inspector.Options{}, fmt.Errorf("offline mode (Edit > Settings): %v", err)
		}
		opts.DNS.Replay = snap
	}
	return opts, nil
}

// options are the engine's options for e: the samples replay their own
// snapshot, everything else follows the settings; both get the memories
// the settings keep, read-only when DNS is replayed.
func (a *App) options(e *entry) (inspector.Options, error) {
	s := loadSettings(a.fyne.Preferences())
	if e.replay != nil {
		opts := inspector.Options{DNS: resolver.Config{Replay: e.replay}, Hop: e.hop}
		a.applyMemories(&opts, s, true, e)
		return opts, nil
	}
	opts, err := s.options()
	opts.Hop = e.hop
	if err == nil {
		a.applyMemories(&opts, s, s.Mode == dnsOffline, e)
	}
	return opts, err
}

var modeLabels = map[string]string{
	dnsSystem:  "This computer's DNS resolvers",
	dnsServer:  "A DNS server I name",
	dnsOffline: "Offline: replay a saved DNS snapshot",
}

// showSettings is Edit > Settings….
func (a *App) showSettings() { a.showSettingsWith(loadSettings(a.fyne.Preferences())) }

func (a *App) showSettingsWith(s settings) {
	labels := []string{modeLabels[dnsSystem], modeLabels[dnsServer], modeLabels[dnsOffline]}
	mode := widget.NewRadioGroup(labels, nil)
	mode.SetSelected(modeLabels[s.Mode])
	server := widget.NewEntry()
	server.SetPlaceHolder("127.0.0.1:53")
	server.SetText(s.Server)
	timeout := widget.NewEntry()
	timeout.SetText(strconv.FormatFloat(s.Timeout.Seconds(), 'f', -1, 64))
	snapshot := widget.NewEntry()
	snapshot.SetPlaceHolder("/path/to/message.dns.json")
	snapshot.SetText(s.Snapshot)
	browse := widget.NewButton("Choose…", func() {
		d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
			if err == nil && rc != nil {
				snapshot.SetText(rc.URI().Path())
				rc.Close()
			}
		}, a.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
		d.Resize(dialogSize(a.win))
		a.showDialog(d)
	})
	mem := a.memorySettings(s, mode)
	items := []*widget.FormItem{
		widget.NewFormItem("DNS answers from", mode),
		{Text: "DNS server", Widget: server, HintText: "host:port, for \"A DNS server I name\""},
		{Text: "Timeout (seconds)", Widget: timeout, HintText: "per query; each query is tried twice"},
		{Text: "Snapshot", Widget: container.NewBorder(nil, nil, nil, browse, snapshot), HintText: "for offline mode"},
	}
	items = append(items, mem.items...)
	d := dialog.NewForm("Settings", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		n := settings{Server: strings.TrimSpace(server.Text), Snapshot: strings.TrimSpace(snapshot.Text),
			KeepKeys: mem.keep.Checked, RememberSenders: mem.remember.Checked}
		for k, l := range modeLabels {
			if l == mode.Selected {
				n.Mode = k
			}
		}
		secs, err := strconv.ParseFloat(strings.TrimSpace(timeout.Text), 64)
		if err != nil {
			secs = -1
		}
		n.Timeout = time.Duration(secs * float64(time.Second))
		if err := n.validate(); err != nil {
			errDlg := dialog.NewError(err, a.win)
			errDlg.SetOnClosed(func() { a.showSettingsWith(n) })
			errDlg.Show()
			return
		}
		n.save(a.fyne.Preferences())
	}, a.win)
	d.Resize(fyne.NewSize(min(a.win.Canvas().Size().Width*0.9, 640), 0))
	// Enter in a field saves, as the Save button does.
	for _, e := range []*widget.Entry{server, timeout, snapshot} {
		e.OnSubmitted = func(string) { d.Submit() }
	}
	a.showDialog(d)
}

package resolver

import (
	"net"
	"os"
	"runtime"

	"github.com/miekg/dns"
)

// resolvConf is where Unix systems list their resolvers.
const resolvConf = "/etc/resolv.conf"

// fallbackServers are used only when the system's resolvers cannot be read
// (Windows, or a Unix machine without /etc/resolv.conf). They are public
// resolvers that do DNSSEC validation; --dns overrides them.
var fallbackServers = [...]string{"1.1.1.1:53", "9.9.9.9:53"}

// SystemServers returns the resolvers this machine is configured with and a
// short description of where they came from.
func SystemServers() ([]string, string) {
	if runtime.GOOS != "windows" {
		if cc, err := dns.ClientConfigFromFile(resolvConf); err == nil && len(cc.Servers) > 0 {
			var out []string
			for _, s := range cc.Servers {
				out = append(out, net.JoinHostPort(s, cc.Port))
			}
			return out, "system (" + resolvConf + ")"
		}
	}
	if _, err := os.Stat(resolvConf); err != nil || runtime.GOOS == "windows" {
		return fallbackServers[:], "public resolvers (no " + resolvConf + " on this system)"
	}
	return fallbackServers[:], "public resolvers (" + resolvConf + " lists no server)"
}

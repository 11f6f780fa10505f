package show

import (
	"fmt"
	"net"
	"strings"
	"time"

	"gridbox/grid"
)

// announceFor is how long after start a controller plugged in is given
// the announcement: long enough for a Launchpad to enumerate at boot, short
// enough not to interrupt a show with a replug.
const announceFor = time.Minute

// announcement is what a Launchpad scrolls at start: the address to reach
// gridbox at (ssh) and the set it plays.
func announcement(addr, set string) string {
	return strings.TrimSpace(addr + " " + set)
}

// Announcement returns what a Launchpad plugged in during the first minute
// of a show of set scrolls: this machine's network address and the set.
func Announcement(set string) string { return announcement(networkAddress(), set) }

// announceColor is the announcement's colour.
var announceColor = grid.Color{R: 0, G: 200, B: 255}

// networkAddress returns the first IPv4 address of a network interface
// that is up and not a loopback (an IPv6 one if there is no IPv4, not
// link-local), or "" when there is none.
func networkAddress() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return ""
	}
	var v6 string
	for _, in := range ifs {
		if in.Flags&net.FlagUp == 0 || in.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := in.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
				continue
			}
			if ip4 := ipn.IP.To4(); ip4 != nil {
				return ip4.String()
			}
			if v6 == "" {
				v6 = ipn.IP.String()
			}
		}
	}
	return v6
}

// announce tells the journal and the controllers plugged in during the
// next minute where gridbox is and what it plays, and where its browser
// view is on the network, with its token (w may be nil).
func (l *live) announce(set string, w *webView) {
	addr := networkAddress()
	if addr == "" {
		fmt.Fprintf(l.e.Stderr, "gridbox: no network address\n")
	} else {
		fmt.Fprintf(l.e.Stderr, "gridbox: on the network at %s\n", addr)
	}
	text := announcement(addr, set)
	if port, token := w.reachable(); port != "" && addr != "" {
		text = announcement(net.JoinHostPort(addr, port), set+" token "+token)
		fmt.Fprintf(l.e.Stderr, "gridbox: browser view at http://%s/ token %s\n", net.JoinHostPort(addr, port), token)
	}
	l.leds.Announce(text, announceColor, time.Now().Add(announceFor))
}

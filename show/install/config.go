package install

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// configText is the default /etc/gridbox/config.toml, written only when
// there is none. It follows the schema of package gridbox/config, which
// reads it: set at the top, then the tables with every key commented out,
// so that the defaults apply, but for the browser view's token, made here
// (web.NewToken). set has been checked (checkSet) and a token is letters
// and digits: neither needs TOML escaping.
func configText(set, token string) []byte {
	return fmt.Appendf(nil, configTemplate, set, token)
}

const configTemplate = `# /etc/gridbox/config.toml: what the gridbox service plays at boot
# ("gridbox play --config /etc/gridbox/config.toml").
# "gridbox install" wrote it once; it is yours now: install never
# overwrites it, and uninstall leaves it (and your sets) in place.
# After an edit: sudo systemctl restart gridbox

# The set to play: a set file's absolute path, or "last" for the set
# played last. The service may write only in /var/lib/gridbox and in the
# folder of the set named here when gridbox install ran (for the set's
# state, in .gridbox-state beside it). For a set in another folder, run
# "gridbox install" again with it after changing this line.
set = "%s"

# The other keys, at their defaults; uncomment a line to change it. Every
# key is described in the documentation of gridbox's config package.

[audio]
# Output: its index or part of its name, as "gridbox devices" lists them.
# device = ""
# Sample rate in Hz.
# rate = 48000
# Frames per block: 128 at 48000 Hz is 2.67 ms.
# block = 128
# Blocks rendered ahead of the device, absorbing scheduling stalls.
# lead = 2

[controllers]
# Controllers to leave alone, such as "launchpad-mk2" or "/dev/ttyUSB0".
# ignore = []

[gpio]
# footswitch = ""
# footswitch_action = "startstop"
# status_led = ""

[state]
# Where the set's state goes; "" is .gridbox-state beside the set. A set
# in a folder the service may not write in needs:
# dir = "/var/lib/gridbox/state"

[http]
# The browser view: the grid, the status and the sets, on a phone's
# browser. "127.0.0.1:8080" (the default) is this machine only, "off"
# none; to reach it from the stage network, uncomment the next line and
# open http://<this machine's address>:8080/ there: the page asks for the
# token once (gridbox also scrolls the address and token on the Launchpad).
# listen = "0.0.0.0:8080"
token = "%s"
`

// configuredSet returns the set a config names: the value of the
// top-level key set, when it is a plain one-line string. ok is false when
// there is none or it is written in a form this does not read (escapes, a
// literal string with quotes in it, a dotted or quoted key); the caller
// then cannot compare it.
func configuredSet(config []byte) (set string, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(config))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			return "", false // a table: set is a top-level key
		}
		key, val, found := strings.Cut(line, "=")
		if !found || strings.TrimSpace(key) != "set" {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) < 2 || (val[0] != '"' && val[0] != '\'') {
			return "", false
		}
		end := strings.IndexByte(val[1:], val[0])
		if end < 0 {
			return "", false
		}
		s, rest := val[1:1+end], strings.TrimSpace(val[2+end:])
		if (val[0] == '"' && strings.ContainsRune(s, '\\')) || (rest != "" && !strings.HasPrefix(rest, "#")) {
			return "", false
		}
		return s, true
	}
	return "", false
}

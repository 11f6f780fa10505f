package config

import (
	"fmt"
	"math"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
	"gridbox/sets"
)

// The config file's tables and their keys, in the order of the reference;
// "" is the top level. Unknown keys are checked against this.
var schema = []struct {
	table string
	keys  []string
}{
	{"", []string{"set", "audio", "samples", "controllers", "gpio", "state", "http"}},
	{"audio", []string{"device", "rate", "block", "lead", "input", "input_channels", "latency_offset"}},
	{"samples", []string{"preload", "ram"}},
	{"controllers", []string{"ignore"}},
	{"gpio", []string{"footswitch", "footswitch_action", "status_led"}},
	{"state", []string{"dir"}},
	{"http", []string{"listen", "token", "sets"}},
}

func keysOf(table string) []string {
	for _, s := range schema {
		if s.table == table {
			return s.keys
		}
	}
	return nil
}

// maxReported bounds how many problems are reported, as for set files.
const maxReported = 200

// A decoder turns the generic values from the TOML parser into a Config,
// recording problems by node; their positions are found afterwards, in one
// pass over the text. The machinery of checking keys, types and ranges is
// internal/tomlpos's, shared with package sets; what is here is the config
// file's schema.
type decoder struct {
	cfg   *Config
	dir   string // relative paths start here; "" to leave them relative
	probs tomlpos.Problems
}

// errors turns the problems into sets.Errors naming file, in the order
// they appear in the file, as for set files.
func (d *decoder) errors(file string, ix *tomlpos.Index) sets.Errors {
	var es sets.Errors
	for _, p := range d.probs.Resolve(ix, maxReported) {
		es = append(es, &sets.Error{File: file, Pos: sets.Pos(p.Pos), Msg: p.Msg})
	}
	return es
}

// unknown reports every key of t, the top level or one of its tables, that
// the schema doesn't have, at the key, suggesting the nearest valid one, or
// the table where it belongs.
func unknown(t *tomlpos.Table) {
	table := strings.TrimSuffix(t.Prefix, ".")
	t.Unknown(keysOf(table), func(k string) string { return elsewhere(table, k) })
}

// elsewhere says where key k, unknown in table, belongs instead, if it is
// a key of another table (ignoring case); else "".
func elsewhere(table, k string) string {
	for _, s := range schema {
		if s.table == table {
			continue
		}
		for _, other := range s.keys {
			if !strings.EqualFold(k, other) {
				continue
			}
			switch {
			case s.table == "" && keysOf(other) != nil:
				return fmt.Sprintf("; [%s] is a table of its own", other)
			case s.table == "":
				return fmt.Sprintf("; %s belongs at the top level, above the first [table]", other)
			}
			return fmt.Sprintf("; %s belongs in [%s]", other, s.table)
		}
	}
	return ""
}

// name checks a device name or an ignore entry: no NUL, at most MaxNameLen
// characters.
func (d *decoder) name(n *tomlpos.Node, what, s string) bool {
	if strings.IndexByte(s, 0) >= 0 {
		d.probs.Addf(n, true, "%s %s: contains a NUL character", what, spell.Quote(s))
		return false
	}
	return d.probs.MaxChars(n, what, s, MaxNameLen)
}

// path checks a path and resolves a relative one against the config
// file's folder.
func (d *decoder) path(n *tomlpos.Node, what, p string) (string, bool) {
	switch {
	case strings.IndexByte(p, 0) >= 0:
		d.probs.Addf(n, true, "%s %s: the path contains a NUL character", what, spell.Quote(p))
	case len(p) > MaxPathLen:
		d.probs.Addf(n, true, "%s is %d bytes long; the limit is %d", what, len(p), MaxPathLen)
	case strings.HasPrefix(p, "~"):
		d.probs.Addf(n, true, `%s %s: "~" is not expanded here; write the whole path, starting with "/"`, what, spell.Quote(p))
	case filepath.IsAbs(p) || d.dir == "":
		return filepath.Clean(p), true
	default:
		return filepath.Join(d.dir, p), true
	}
	return "", false
}

func (d *decoder) decode(raw map[string]any) {
	c := d.cfg
	root := &tomlpos.Table{P: &d.probs, M: raw, Where: "at the top level"}
	unknown(root)
	if s, ok := root.Str("set", `a set file's path or "last"`); ok {
		switch {
		case strings.EqualFold(strings.TrimSpace(s), SetLast):
			c.Set = SetLast
		case s == "":
			d.probs.Addf(root.Child("set"), true, `set: the path is empty; write a set file's path, or "last" for the set played last`)
		default:
			if p, ok := d.path(root.Child("set"), "set", s); ok {
				c.Set = p
			}
		}
	}
	if t := root.Sub("audio"); t != nil {
		d.audio(t)
	}
	if t := root.Sub("samples"); t != nil {
		d.samples(t)
	}
	if t := root.Sub("controllers"); t != nil {
		d.controllers(t)
	}
	if t := root.Sub("gpio"); t != nil {
		d.gpio(t)
	}
	if t := root.Sub("state"); t != nil {
		unknown(t)
		if s, ok := t.Str("dir", `a folder's path, or "" for beside the set`); ok && s != "" {
			if p, ok := d.path(t.Child("dir"), "state.dir", s); ok {
				c.State.Dir = p
			}
		}
	}
	if t := root.Sub("http"); t != nil {
		d.http(t)
	}
}

func (d *decoder) http(t *tomlpos.Table) {
	h := &d.cfg.HTTP
	unknown(t)
	if s, ok := t.Str("listen", `an address like "127.0.0.1:8080" or "0.0.0.0:8080", or "off"`); ok {
		n := t.Child("listen")
		if strings.EqualFold(strings.TrimSpace(s), ListenOff) {
			h.Listen = ""
		} else if msg := CheckListen(s); msg != "" {
			d.probs.Addf(n, true, "http.listen %s: %s", spell.Quote(s), msg)
		} else {
			h.Listen = s
		}
	}
	if s, ok := t.Str("token", "a password for the browser view"); ok {
		if msg := checkToken(s); msg != "" {
			d.probs.Addf(t.Child("token"), true, "http.token: %s", msg)
		} else {
			h.Token = s
		}
	}
	if s, ok := t.Str("sets", `a folder's path, or "" for the set's own folder`); ok && s != "" {
		if p, ok := d.path(t.Child("sets"), "http.sets", s); ok {
			h.Sets = p
		}
	}
}

// CheckListen says what is wrong with a listen address ("host:port"),
// or "".
func CheckListen(s string) string {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return `write it as host:port, like "127.0.0.1:8080" ("0.0.0.0:8080" for every network, "[::1]:8080" for IPv6)`
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("the port %s is not a number from 0 to 65535", spell.Quote(port))
	}
	if strings.ContainsAny(host, " /\x00") || len(host) > MaxNameLen {
		return "the host is not an address or a name"
	}
	return ""
}

// checkToken says what is wrong with a token, or "".
func checkToken(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) < MinTokenLen:
		return fmt.Sprintf("a token of %d characters is too easy to guess; use at least %d (gridbox install writes one)", len(s), MinTokenLen)
	case len(s) > MaxTokenLen:
		return fmt.Sprintf("the token is %d characters long; the limit is %d", len(s), MaxTokenLen)
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return "use letters, digits and punctuation only, no spaces"
		}
	}
	return ""
}

func (d *decoder) audio(t *tomlpos.Table) {
	a := &d.cfg.Audio
	unknown(t)
	if v, ok := t.M["device"]; ok {
		n := t.Child("device")
		switch v := v.(type) {
		case string:
			if d.name(n, "audio.device", v) {
				a.Device = v
			}
		case int64, float64:
			if i, ok := d.probs.Int(n, "audio.device", v, 0, MaxDeviceIndex); ok {
				a.Device = strconv.Itoa(i)
			}
		default:
			d.probs.Addf(n, true, `audio.device: expected a device's name (or part of it) or index, or "" for the default, got %s`, spell.Describe(v))
		}
	}
	if v, ok := t.Int("rate", MinRate, MaxRate); ok {
		a.Rate = v
	}
	if v, ok := t.Int("block", MinBlock, MaxBlock); ok {
		a.Block = v
	}
	if v, ok := t.Int("lead", MinLead, MaxLead); ok {
		a.Lead = v
	}
	if v, ok := t.M["input"]; ok {
		n := t.Child("input")
		switch v := v.(type) {
		case string:
			if strings.EqualFold(strings.TrimSpace(v), InputNone) {
				a.Input = InputNone
			} else if d.name(n, "audio.input", v) {
				a.Input = v
			}
		case int64, float64:
			if i, ok := d.probs.Int(n, "audio.input", v, 0, MaxDeviceIndex); ok {
				a.Input = strconv.Itoa(i)
			}
		default:
			d.probs.Addf(n, true, `audio.input: expected a device's name (or part of it) or index, "" for the output device's inputs, or "none", got %s`, spell.Describe(v))
		}
	}
	if v, ok := t.Int("input_channels", 0, MaxInputChannels); ok {
		a.InputChannels = v
	}
	if v, ok := t.M["latency_offset"]; ok {
		lim := float64(MaxLatencyOffset.Milliseconds())
		switch f, isNum := tomlpos.Number(v); {
		case !isNum:
			d.probs.Addf(t.Child("latency_offset"), true, "audio.latency_offset: expected a number of milliseconds, got %s", spell.Describe(v))
		case !(f >= -lim && f <= lim):
			d.probs.Addf(t.Child("latency_offset"), true, "audio.latency_offset %s is out of range %s..%s ms", spell.Value(v), spell.Number(-lim), spell.Number(lim))
		default:
			a.LatencyOffset = time.Duration(math.Round(f * float64(time.Millisecond)))
		}
	}
}

func (d *decoder) samples(t *tomlpos.Table) {
	sm := &d.cfg.Samples
	unknown(t)
	if v, ok := t.M["preload"]; ok {
		lo, hi := MinPreload.Seconds(), MaxPreload.Seconds()
		switch f, isNum := tomlpos.Number(v); {
		case !isNum:
			d.probs.Addf(t.Child("preload"), true, "samples.preload: expected a number of seconds, got %s", spell.Describe(v))
		case !(f >= lo && f <= hi):
			d.probs.Addf(t.Child("preload"), true, "samples.preload %s is out of range %s..%s seconds", spell.Number(f), spell.Number(lo), spell.Number(hi))
		default:
			sm.Preload = time.Duration(f * float64(time.Second))
		}
	}
	if v, ok := t.Bool("ram"); ok {
		sm.RAM = v
	}
}

func (d *decoder) controllers(t *tomlpos.Table) {
	unknown(t)
	v, ok := t.M["ignore"]
	if !ok {
		return
	}
	n := t.Child("ignore")
	list, ok := v.([]any)
	if !ok {
		d.probs.Addf(n, true, `controllers.ignore: expected a list of strings like ["launchpad-mk2", "/dev/ttyUSB0"], got %s`, spell.Describe(v))
		return
	}
	if len(list) > MaxIgnore {
		d.probs.Addf(n.Elem(MaxIgnore), true, "controllers.ignore: too many entries: %d; the limit is %d", len(list), MaxIgnore)
		list = list[:MaxIgnore]
	}
	var ignore []string
	for i, e := range list {
		s, ok := e.(string)
		switch {
		case !ok:
			d.probs.Addf(n.Elem(i), true, "controllers.ignore: expected a model, port or part of a port's name as a string, got %s", spell.Describe(e))
		case strings.TrimSpace(s) == "":
			d.probs.Addf(n.Elem(i), true, "controllers.ignore: an empty entry would match every controller; remove it")
		case d.name(n.Elem(i), "controllers.ignore entry", s):
			ignore = append(ignore, s)
		}
	}
	d.cfg.Controllers.Ignore = ignore
}

func (d *decoder) gpio(t *tomlpos.Table) {
	g := &d.cfg.GPIO
	unknown(t)
	foot, footOK := d.pin(t, "footswitch")
	if footOK {
		g.Footswitch = foot
	}
	if v, ok := t.Enum("footswitch_action", actionNames); ok {
		g.FootswitchAction = FootswitchAction(v)
	}
	led, ledOK := d.pin(t, "status_led")
	if ledOK {
		g.StatusLED = led
	}
	if footOK && ledOK && led != "" && led == foot {
		footNode := t.Child("footswitch")
		d.probs.AddLater(t.Child("status_led"), true, func(ix *tomlpos.Index) string {
			return fmt.Sprintf("gpio.status_led %s is the footswitch's pin too (line %d); give each its own pin", spell.Quote(led), ix.Val(footNode).Line)
		})
	}
}

// pin returns the pin name at key k of t, normalised to "GPIO17", or "" for
// none. Only the form is checked here; gridbox finds out whether the pin
// exists when it opens it.
func (d *decoder) pin(t *tomlpos.Table, k string) (string, bool) {
	v, ok := t.M[k]
	if !ok {
		return "", false
	}
	n, what := t.Child(k), t.What(k)
	// A bare number is most likely a GPIO or header pin number.
	const numbered = `expected a pin name like "GPIO%d" (the GPIO number, not the header pin number)`
	s, ok := v.(string)
	if !ok {
		if i, isInt := v.(int64); isInt && i >= 0 && i <= MaxPin {
			d.probs.Addf(n, true, "%s: "+numbered+", got number %d", what, i, i)
		} else {
			d.probs.Addf(n, true, `%s: expected a pin name like "GPIO17", or "" for none, got %s`, what, spell.Describe(v))
		}
		return "", false
	}
	if s == "" {
		return "", true
	}
	num, prefixed := cutPrefixFold(s, "GPIO")
	digits := num != "" && strings.TrimLeft(num, "0123456789") == ""
	i, err := strconv.Atoi(num)
	switch {
	case digits && err == nil && i <= MaxPin && prefixed:
		return "GPIO" + strconv.Itoa(i), true
	case digits && prefixed:
		d.probs.Addf(n, true, "%s %s: the Pi's header has GPIO0..GPIO%d", what, spell.Quote(s), MaxPin)
	case digits && err == nil && i <= MaxPin:
		d.probs.Addf(n, true, "%s %s: "+numbered, what, spell.Quote(s), i)
	default:
		d.probs.Addf(n, true, `%s %s: expected a pin name GPIO0..GPIO%d, like "GPIO17", or "" for none`, what, spell.Quote(s), MaxPin)
	}
	return "", false
}

// cutPrefixFold is strings.CutPrefix, ignoring case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

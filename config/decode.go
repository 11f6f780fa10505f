package config

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	{"", []string{"set", "audio", "samples", "controllers", "gpio", "state"}},
	{"audio", []string{"device", "rate", "block", "lead"}},
	{"samples", []string{"preload", "ram"}},
	{"controllers", []string{"ignore"}},
	{"gpio", []string{"footswitch", "footswitch_action", "status_led"}},
	{"state", []string{"dir"}},
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
// pass over the text.
type decoder struct {
	cfg   *Config
	dir   string // relative paths start here; "" to leave them relative
	probs tomlpos.Problems
}

func (d *decoder) errAt(n *node, val bool, format string, args ...any) {
	d.probs.Add(n.tp(), val, fmt.Sprintf(format, args...))
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

// A table is a TOML table being decoded: the top level, or [audio] and the
// like.
type table struct {
	d    *decoder
	m    map[string]any
	n    *node  // nil for the top level
	name string // "" for the top level
}

// what names key k of t in messages: "set", "audio.rate".
func (t *table) what(k string) string {
	if t.name == "" {
		return k
	}
	return t.name + "." + k
}

func (t *table) where() string {
	if t.name == "" {
		return "at the top level"
	}
	return "in [" + t.name + "]"
}

// unknown reports every key of t that the schema doesn't have, at the key,
// suggesting the nearest valid one, or the table where it belongs.
func (t *table) unknown() {
	valid := keysOf(t.name)
	for _, k := range slices.Sorted(maps.Keys(t.m)) {
		if slices.Contains(valid, k) {
			continue
		}
		t.d.errAt(t.n.child(k), false, "unknown key %s %s%s", spell.Quote(k), t.where(), t.hint(k, valid))
	}
}

// hint suggests what an unknown key k of t was meant to be.
func (t *table) hint(k string, valid []string) string {
	if h := spell.DidYouMean(k, valid, false); h != "" {
		return h
	}
	for _, s := range schema {
		if s.table == t.name {
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
	return "; valid keys are " + strings.Join(valid, ", ")
}

// sub returns the table at key k of the top level, or nil if there is none
// or it is not a table (which is reported).
func (t *table) sub(k string) *table {
	v, ok := t.m[k]
	if !ok {
		return nil
	}
	n := t.n.child(k)
	switch v := v.(type) {
	case map[string]any:
		return &table{d: t.d, m: v, n: n, name: k}
	case []map[string]any:
		t.d.errAt(n, false, "%s must be a single [%s] table: write [%s] with single brackets", k, k, k)
	default:
		t.d.errAt(n, true, "%s: expected an [%s] table, got %s", k, k, spell.Describe(v))
	}
	return nil
}

// str returns the string at k; want says what else to expect in the type
// error.
func (t *table) str(k, want string) (string, bool) {
	v, ok := t.m[k]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		t.d.errAt(t.n.child(k), true, "%s: expected %s, got %s", t.what(k), want, spell.Describe(v))
		return "", false
	}
	return s, true
}

// integer returns the whole number at k, which must be in lo..hi. A float
// with no fractional part (48000.0) counts as whole.
func (t *table) integer(k string, lo, hi int) (int, bool) {
	v, ok := t.m[k]
	if !ok {
		return 0, false
	}
	return intValue(t.d, t.n.child(k), t.what(k), v, lo, hi)
}

func intValue(d *decoder, n *node, what string, v any, lo, hi int) (int, bool) {
	i, msg := tomlpos.Whole(what, v, lo, hi)
	if msg != "" {
		d.errAt(n, true, "%s", msg)
		return 0, false
	}
	return i, true
}

// enum returns the index in names of the word at k, ignoring case.
func (t *table) enum(k string, names []string) (int, bool) {
	s, ok := t.str(k, "one of "+strings.Join(names, ", "))
	if !ok {
		return 0, false
	}
	for i, name := range names {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return i, true
		}
	}
	t.d.errAt(t.n.child(k), true, "%s %s: expected one of %s%s", t.what(k), spell.Quote(s), strings.Join(names, ", "), spell.DidYouMean(s, names, false))
	return 0, false
}

// name checks a device name or an ignore entry: no NUL, at most MaxNameLen
// characters.
func (d *decoder) name(n *node, what, s string) bool {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		d.errAt(n, true, "%s %s: contains a NUL character", what, spell.Quote(s))
	case utf8.RuneCountInString(s) > MaxNameLen:
		d.errAt(n, true, "%s is %d characters long; the limit is %d", what, utf8.RuneCountInString(s), MaxNameLen)
	default:
		return true
	}
	return false
}

// path checks a path and resolves a relative one against the config
// file's folder.
func (d *decoder) path(n *node, what, p string) (string, bool) {
	switch {
	case strings.IndexByte(p, 0) >= 0:
		d.errAt(n, true, "%s %s: the path contains a NUL character", what, spell.Quote(p))
	case len(p) > MaxPathLen:
		d.errAt(n, true, "%s is %d bytes long; the limit is %d", what, len(p), MaxPathLen)
	case strings.HasPrefix(p, "~"):
		d.errAt(n, true, `%s %s: "~" is not expanded here; write the whole path, starting with "/"`, what, spell.Quote(p))
	case filepath.IsAbs(p) || d.dir == "":
		return filepath.Clean(p), true
	default:
		return filepath.Join(d.dir, p), true
	}
	return "", false
}

func (d *decoder) decode(raw map[string]any) {
	c := d.cfg
	root := &table{d: d, m: raw}
	root.unknown()
	if s, ok := root.str("set", `a set file's path or "last"`); ok {
		switch {
		case strings.EqualFold(strings.TrimSpace(s), SetLast):
			c.Set = SetLast
		case s == "":
			d.errAt(root.n.child("set"), true, `set: the path is empty; write a set file's path, or "last" for the set played last`)
		default:
			if p, ok := d.path(root.n.child("set"), "set", s); ok {
				c.Set = p
			}
		}
	}
	if t := root.sub("audio"); t != nil {
		d.audio(t)
	}
	if t := root.sub("samples"); t != nil {
		d.samples(t)
	}
	if t := root.sub("controllers"); t != nil {
		d.controllers(t)
	}
	if t := root.sub("gpio"); t != nil {
		d.gpio(t)
	}
	if t := root.sub("state"); t != nil {
		t.unknown()
		if s, ok := t.str("dir", `a folder's path, or "" for beside the set`); ok && s != "" {
			if p, ok := d.path(t.n.child("dir"), "state.dir", s); ok {
				c.State.Dir = p
			}
		}
	}
}

func (d *decoder) audio(t *table) {
	a := &d.cfg.Audio
	t.unknown()
	if v, ok := t.m["device"]; ok {
		n := t.n.child("device")
		switch v := v.(type) {
		case string:
			if d.name(n, "audio.device", v) {
				a.Device = v
			}
		case int64, float64:
			if i, ok := intValue(d, n, "audio.device", v, 0, MaxDeviceIndex); ok {
				a.Device = strconv.Itoa(i)
			}
		default:
			d.errAt(n, true, `audio.device: expected a device's name (or part of it) or index, or "" for the default, got %s`, spell.Describe(v))
		}
	}
	if v, ok := t.integer("rate", MinRate, MaxRate); ok {
		a.Rate = v
	}
	if v, ok := t.integer("block", MinBlock, MaxBlock); ok {
		a.Block = v
	}
	if v, ok := t.integer("lead", MinLead, MaxLead); ok {
		a.Lead = v
	}
}

func (d *decoder) samples(t *table) {
	sm := &d.cfg.Samples
	t.unknown()
	if v, ok := t.m["preload"]; ok {
		lo, hi := MinPreload.Seconds(), MaxPreload.Seconds()
		switch f, isNum := number(v); {
		case !isNum:
			d.errAt(t.n.child("preload"), true, "samples.preload: expected a number of seconds, got %s", spell.Describe(v))
		case !(f >= lo && f <= hi):
			d.errAt(t.n.child("preload"), true, "samples.preload %s is out of range %s..%s seconds", spell.Number(f), spell.Number(lo), spell.Number(hi))
		default:
			sm.Preload = time.Duration(f * float64(time.Second))
		}
	}
	if v, ok := t.m["ram"]; ok {
		if b, isBool := v.(bool); isBool {
			sm.RAM = b
		} else {
			d.errAt(t.n.child("ram"), true, "samples.ram: expected true or false, got %s", spell.Describe(v))
		}
	}
}

// number returns v as a float64 if it is a TOML number.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

func (d *decoder) controllers(t *table) {
	t.unknown()
	v, ok := t.m["ignore"]
	if !ok {
		return
	}
	n := t.n.child("ignore")
	list, ok := v.([]any)
	if !ok {
		d.errAt(n, true, `controllers.ignore: expected a list of strings like ["launchpad-mk2", "/dev/ttyUSB0"], got %s`, spell.Describe(v))
		return
	}
	if len(list) > MaxIgnore {
		d.errAt(n.elem(MaxIgnore), true, "controllers.ignore: too many entries: %d; the limit is %d", len(list), MaxIgnore)
		list = list[:MaxIgnore]
	}
	var ignore []string
	for i, e := range list {
		s, ok := e.(string)
		switch {
		case !ok:
			d.errAt(n.elem(i), true, "controllers.ignore: expected a model, port or part of a port's name as a string, got %s", spell.Describe(e))
		case strings.TrimSpace(s) == "":
			d.errAt(n.elem(i), true, "controllers.ignore: an empty entry would match every controller; remove it")
		case d.name(n.elem(i), "controllers.ignore entry", s):
			ignore = append(ignore, s)
		}
	}
	d.cfg.Controllers.Ignore = ignore
}

func (d *decoder) gpio(t *table) {
	g := &d.cfg.GPIO
	t.unknown()
	foot, footOK := d.pin(t, "footswitch")
	if footOK {
		g.Footswitch = foot
	}
	if v, ok := t.enum("footswitch_action", actionNames); ok {
		g.FootswitchAction = FootswitchAction(v)
	}
	led, ledOK := d.pin(t, "status_led")
	if ledOK {
		g.StatusLED = led
	}
	if footOK && ledOK && led != "" && led == foot {
		footNode := t.n.child("footswitch")
		d.probs.AddLater(t.n.child("status_led").tp(), true, func(ix *tomlpos.Index) string {
			return fmt.Sprintf("gpio.status_led %s is the footswitch's pin too (line %d); give each its own pin", spell.Quote(led), ix.Val(footNode.tp()).Line)
		})
	}
}

// pin returns the pin name at key k of t, normalised to "GPIO17", or "" for
// none. Only the form is checked here; gridbox finds out whether the pin
// exists when it opens it.
func (d *decoder) pin(t *table, k string) (string, bool) {
	v, ok := t.m[k]
	if !ok {
		return "", false
	}
	n, what := t.n.child(k), t.what(k)
	// A bare number is most likely a GPIO or header pin number.
	const numbered = `expected a pin name like "GPIO%d" (the GPIO number, not the header pin number)`
	s, ok := v.(string)
	if !ok {
		if i, isInt := v.(int64); isInt && i >= 0 && i <= MaxPin {
			d.errAt(n, true, "%s: "+numbered+", got number %d", what, i, i)
		} else {
			d.errAt(n, true, `%s: expected a pin name like "GPIO17", or "" for none, got %s`, what, spell.Describe(v))
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
		d.errAt(n, true, "%s %s: the Pi's header has GPIO0..GPIO%d", what, spell.Quote(s), MaxPin)
	case digits && err == nil && i <= MaxPin:
		d.errAt(n, true, "%s %s: "+numbered, what, spell.Quote(s), i)
	default:
		d.errAt(n, true, `%s %s: expected a pin name GPIO0..GPIO%d, like "GPIO17", or "" for none`, what, spell.Quote(s), MaxPin)
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

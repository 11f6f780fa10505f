package sets

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
)

// MaxClockOuts bounds [midi] clock_out: more ports than any rig has.
const MaxClockOuts = 16

// MIDI is the set's [midi] table: MIDI beat clock in and out (issue 12).
// Ports are named by a substring of their name, as a midi instrument's
// port is, matched when the port is looked for (a port may come later).
type MIDI struct {
	// ClockOut are the ports gridbox sends its clock to (24 F8 per beat,
	// FA, FC, SPP and FB), in file order, no two alike; nil: none.
	ClockOut []string
	// ClockIn is the port whose clock the transport follows; "": none,
	// the set's own tempo.
	ClockIn string
	// Pos is where the [midi] table is written; ClockOutPos[i] where
	// ClockOut[i] is, ClockInPos where ClockIn is (for messages about a
	// port that is missing).
	Pos         Pos
	ClockOutPos []Pos
	ClockInPos  Pos
}

// midiKeys are the [midi] table's keys.
var midiKeys = []string{"clock_out", "clock_in"}

// midiTable reads the top level's [midi] table into m.
func (sd *setDecoder) midiTable(root table, m *MIDI) {
	t := root.Sub("midi")
	if t == nil {
		return
	}
	mt := table{t}
	mt.Unknown(midiKeys, nil)
	sd.posOf(mt.N, false, &m.Pos)
	if name, ok := sd.port(mt.Child("clock_in"), mt.M["clock_in"], "midi.clock_in"); ok {
		m.ClockIn = name
		sd.posOf(mt.Child("clock_in"), true, &m.ClockInPos)
	}
	v, ok := mt.M["clock_out"]
	if !ok {
		return
	}
	n := mt.Child("clock_out")
	list, isList := v.([]any)
	if !isList {
		if s, isStr := v.(string); isStr {
			sd.probs.Addf(n, true, "midi.clock_out: expected a list of port names, such as [%s]", spell.Quote(s))
		} else {
			mt.TypeErr("clock_out", "a list of port names", v)
		}
		return
	}
	if len(list) > MaxClockOuts {
		sd.probs.Addf(n.Elem(MaxClockOuts), true, "midi.clock_out: too many ports: %d; the limit is %d", len(list), MaxClockOuts)
		list = list[:MaxClockOuts]
	}
	m.ClockOutPos = make([]Pos, len(list))
	first := map[string]*tomlpos.Node{}
	for i, e := range list {
		en := n.Elem(i)
		name, ok := sd.port(en, e, "midi.clock_out")
		if !ok {
			continue
		}
		if f, dup := first[name]; dup {
			sd.probs.AddLater(en, true, func(ix *tomlpos.Index) string {
				return fmt.Sprintf("midi.clock_out: port %s is already listed, at line %d column %d", spell.Quote(name), ix.Val(f).Line, ix.Val(f).Col)
			})
			continue
		}
		first[name] = en
		m.ClockOut = append(m.ClockOut, name)
		sd.posOf(en, true, &m.ClockOutPos[len(m.ClockOut)-1])
	}
	m.ClockOutPos = m.ClockOutPos[:len(m.ClockOut)]
	if len(m.ClockOut) == 0 {
		m.ClockOut, m.ClockOutPos = nil, nil
	}
}

// port checks v, the value at n that messages call what, as a port name
// substring: a non-empty string of at most MaxNameLen characters (nil:
// absent, no problem).
func (sd *setDecoder) port(n *tomlpos.Node, v any, what string) (string, bool) {
	if v == nil {
		return "", false
	}
	s, ok := v.(string)
	switch {
	case !ok:
		sd.probs.Addf(n, true, "%s: expected a port name (a part of it is enough), got %s", what, spell.Describe(v))
	case strings.TrimSpace(s) == "":
		sd.probs.Addf(n, true, "%s: the port name is empty: write a part of the port's name, as `gridbox devices` lists it", what)
	case strings.ContainsFunc(s, unicode.IsControl):
		sd.probs.Addf(n, true, "%s: port %s: the port name must be on one line, without tabs or control characters", what, strconv.Quote(s))
	case !sd.probs.MaxChars(n, what, s, MaxNameLen):
	default:
		return s, true
	}
	return "", false
}

package perfscript_test

import (
	"reflect"
	"strings"
	"testing"

	"gridbox/perfscript"
)

// TestParseMIDIIn: a midi-in line gives a port, a word or quoted, and its
// bytes; it prints back as it parses.
func TestParseMIDIIn(t *testing.T) {
	src := "0s midi-in MPC fa f8\n0.5b midi-in \"Akai MPC One\" F2 10 00 # SPP\n1b  midi-in   x\tf8\n"
	s, err := perfscript.Parse("clock.perf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []perfscript.Event{
		{Line: 1, At: perfscript.Time{Value: 0, Unit: perfscript.Seconds}, Kind: perfscript.MIDIIn, Port: "MPC", Bytes: []byte{0xfa, 0xf8}},
		{Line: 2, At: perfscript.Time{Value: 0.5, Unit: perfscript.Beats}, Kind: perfscript.MIDIIn, Port: "Akai MPC One", Bytes: []byte{0xf2, 0x10, 0x00}},
		{Line: 3, At: perfscript.Time{Value: 1, Unit: perfscript.Beats}, Kind: perfscript.MIDIIn, Port: "x", Bytes: []byte{0xf8}},
	}
	if !reflect.DeepEqual(s.Events, want) {
		t.Fatalf("got %+v\nwant %+v", s.Events, want)
	}
	for i, w := range []string{"0s midi-in MPC fa f8", `0.5b midi-in "Akai MPC One" f2 10 00`, "1b midi-in x f8"} {
		if got := s.Events[i].String(); got != w {
			t.Errorf("String() = %q, want %q", got, w)
		}
	}
}

// TestParseMIDIInErrors: each bad midi-in line is reported with its line
// and what is wrong.
func TestParseMIDIInErrors(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{"0b midi-in", "midi-in needs a port name and at least one hex byte"},
		{"0b midi-in MPC", "midi-in: no bytes: give at least one"},
		{"0b midi-in MPC f", `midi-in: byte 1 "f": expected two hex digits`},
		{"0b midi-in MPC f8 xy", `midi-in: byte 2 "xy": expected two hex digits`},
		{`0b midi-in "MPC f8`, "midi-in: the port name's closing quote is missing"},
		{`0b midi-in "" f8`, "midi-in: the port name is empty"},
		{`0b midi-in "MPC"f8`, "midi-in: a space must follow the quoted port name"},
		{`0b midi-in M"PC f8`, `midi-in: port "M\"PC": a quote may only enclose the whole name`},
		{"0b midi-in " + strings.Repeat("p", 300) + " f8", "midi-in: the port name is 300 bytes long; the limit is 256"},
		{"0b midi_in MPC f8", `unknown command "midi_in" (did you mean "midi-in"?)`},
	} {
		_, err := perfscript.Parse("clock.perf", []byte("1b end\n"+tt.line+"\n"))
		if err == nil || !strings.Contains(err.Error(), "clock.perf:2: "+tt.want) {
			t.Errorf("%q: got %v\nwant clock.perf:2: %s…", tt.line, err, tt.want)
		}
	}
}

// TestParseForMIDIInPort: a midi-in line naming a port the set has no
// input for is an error, with what Bounds.Port says.
func TestParseForMIDIInPort(t *testing.T) {
	b := perfscript.Bounds{Tracks: 1, Scenes: 1, Port: func(p string) string {
		if strings.Contains(p, "MPC") {
			return ""
		}
		return "no such input"
	}}
	_, err := perfscript.ParseFor("clock.perf", []byte("0s midi-in \"Akai MPC\" f8\n1s midi-in TR-8 f8\n"), b)
	if err == nil || err.Error() != `clock.perf:2: midi-in TR-8: no such input` {
		t.Errorf("got %v", err)
	}
}

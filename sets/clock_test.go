package sets

import (
	"reflect"
	"strings"
	"testing"
)

// TestParse_MIDIClock: [midi] clock_out and clock_in are read with the
// positions of their values.
func TestParse_MIDIClock(t *testing.T) {
	src := "tempo = 120\n[midi]\nclock_out = [\"TR-8\", \"Launchpad\"]\nclock_in = \"MPC\"\n"
	s, err := Parse("set.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := MIDI{ClockOut: []string{"TR-8", "Launchpad"}, ClockIn: "MPC", Pos: Pos{2, 1},
		ClockOutPos: []Pos{{3, 14}, {3, 22}}, ClockInPos: Pos{4, 12}}
	if !reflect.DeepEqual(s.MIDI, want) {
		t.Errorf("MIDI = %+v, want %+v", s.MIDI, want)
	}
	s, err = Parse("set.toml", []byte("tempo = 120\n"))
	if err != nil || !reflect.DeepEqual(s.MIDI, MIDI{}) {
		t.Errorf("without [midi]: %+v, %v; want the zero MIDI", s.MIDI, err)
	}
}

// TestParse_MIDIClockErrors: every mistake in [midi] is reported at its
// value (or key), with a suggestion for a misspelt key.
func TestParse_MIDIClockErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"[midi]\nclock_ot = [\"x\"]", `2:1: unknown key "clock_ot" in [midi]; did you mean "clock_out"?`},
		{"[midi]\nclock_out = \"TR-8\"", `2:13: midi.clock_out: expected a list of port names, such as ["TR-8"]`},
		{"[midi]\nclock_out = 3", `2:13: midi.clock_out: expected a list of port names, got number 3`},
		{"[midi]\nclock_out = [\"a\", \"\"]", "2:19: midi.clock_out: the port name is empty"},
		{"[midi]\nclock_out = [\"a\", 1]", "2:19: midi.clock_out: expected a port name (a part of it is enough), got number 1"},
		{"[midi]\nclock_out = [\"a\", \"a\"]", `2:19: midi.clock_out: port "a" is already listed, at line 2 column 14`},
		{"[midi]\nclock_in = [\"a\"]", "2:12: midi.clock_in: expected a port name (a part of it is enough), got"},
		{"[midi]\nclock_in = \"\"", "2:12: midi.clock_in: the port name is empty"},
		// Blank would match any port with a space; a newline would break
		// the --midi-log's lines.
		{"[midi]\nclock_in = \"  \"", "2:12: midi.clock_in: the port name is empty"},
		{"[midi]\nclock_out = [\"TR\\n8\"]", `2:14: midi.clock_out: port "TR\n8": the port name must be on one line`},
		{"[[midi]]\nclock_in = \"x\"", "1:1: midi must be a single [midi] table"},
		{"midi = 1", "1:8: midi: expected an [midi] table"},
	} {
		_, err := Parse("set.toml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), "set.toml:"+tt.want) {
			t.Errorf("%q: got %v\nwant set.toml:%s…", tt.src, err, tt.want)
		}
	}
}

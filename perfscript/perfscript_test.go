package perfscript_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gridbox/perfscript"
)

func TestParseEvents(t *testing.T) {
	tests := []struct {
		line string
		want perfscript.Event
	}{
		{"0b press 0 0", perfscript.Event{At: perfscript.Time{0, perfscript.Beats}, Kind: perfscript.Press}},
		{"1.5s press 3 7", perfscript.Event{At: perfscript.Time{1.5, perfscript.Seconds}, Kind: perfscript.Press, X: 3, Y: 7}},
		{"6.25b release 4095 4095", perfscript.Event{At: perfscript.Time{6.25, perfscript.Beats}, Kind: perfscript.Release, X: 4095, Y: 4095}},
		{"31.7b scene 2", perfscript.Event{At: perfscript.Time{31.7, perfscript.Beats}, Kind: perfscript.Scene, Y: 2}},
		{"8b stop 5", perfscript.Event{At: perfscript.Time{8, perfscript.Beats}, Kind: perfscript.Stop, X: 5}},
		{"120b stopall", perfscript.Event{At: perfscript.Time{120, perfscript.Beats}, Kind: perfscript.StopAll}},
		{"64s end", perfscript.Event{At: perfscript.Time{64, perfscript.Seconds}, Kind: perfscript.End}},
		{"2b midi launchpad-mini-mk3 90 0B 7f", perfscript.Event{At: perfscript.Time{2, perfscript.Beats}, Kind: perfscript.MIDI,
			Model: "launchpad-mini-mk3", Bytes: []byte{0x90, 0x0b, 0x7f}}},
		{"2.5s serial monome-128 21 03 04", perfscript.Event{At: perfscript.Time{2.5, perfscript.Seconds}, Kind: perfscript.Serial,
			Model: "monome-128", Bytes: []byte{0x21, 0x03, 0x04}}},
		{"0s serial monome_v1.2 00", perfscript.Event{At: perfscript.Time{0, perfscript.Seconds}, Kind: perfscript.Serial,
			Model: "monome_v1.2", Bytes: []byte{0}}},
		{"  4b\tpress 1 2   # comment after the event", perfscript.Event{At: perfscript.Time{4, perfscript.Beats}, Kind: perfscript.Press, X: 1, Y: 2}},
		{"4b press 1 2#no space before the comment", perfscript.Event{At: perfscript.Time{4, perfscript.Beats}, Kind: perfscript.Press, X: 1, Y: 2}},
		{"4b press 1 2\r", perfscript.Event{At: perfscript.Time{4, perfscript.Beats}, Kind: perfscript.Press, X: 1, Y: 2}},
		{"86400s end", perfscript.Event{At: perfscript.Time{86400, perfscript.Seconds}, Kind: perfscript.End}},
		{"100000b end", perfscript.Event{At: perfscript.Time{100000, perfscript.Beats}, Kind: perfscript.End}},
		{"007b scene 007", perfscript.Event{At: perfscript.Time{7, perfscript.Beats}, Kind: perfscript.Scene, Y: 7}},
		{"8b load edits/v2.toml # a reload", perfscript.Event{At: perfscript.Time{8, perfscript.Beats}, Kind: perfscript.Load, Path: "edits/v2.toml"}},
		{"1b pad 0 7", perfscript.Event{At: perfscript.Time{1, perfscript.Beats}, Kind: perfscript.Pad, X: 0, Y: 7, Velocity: 100}},
		{"1b pad 7 0 1", perfscript.Event{At: perfscript.Time{1, perfscript.Beats}, Kind: perfscript.Pad, X: 7, Y: 0, Velocity: 1}},
		{"1b pad 3 4 127", perfscript.Event{At: perfscript.Time{1, perfscript.Beats}, Kind: perfscript.Pad, X: 3, Y: 4, Velocity: 127}},
		{"1.25b padup 3 4", perfscript.Event{At: perfscript.Time{1.25, perfscript.Beats}, Kind: perfscript.PadUp, X: 3, Y: 4}},
		{"2b button record", perfscript.Event{At: perfscript.Time{2, perfscript.Beats}, Kind: perfscript.Button, Name: "record"}},
		{"2b button stopall", perfscript.Event{At: perfscript.Time{2, perfscript.Beats}, Kind: perfscript.Button, Name: "stopall"}},
		{"2b buttondown shift", perfscript.Event{At: perfscript.Time{2, perfscript.Beats}, Kind: perfscript.ButtonDown, Name: "shift"}},
		{"3s buttonup shift # let go", perfscript.Event{At: perfscript.Time{3, perfscript.Seconds}, Kind: perfscript.ButtonUp, Name: "shift"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			s, err := perfscript.Parse("t.perf", []byte("# header\n\n"+tt.line+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Line = 3
			if len(s.Events) != 1 || !reflect.DeepEqual(s.Events[0], tt.want) {
				t.Fatalf("got %+v, want [%+v]", s.Events, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{"1.5x press 0 0", `t.perf:1: time "1.5x": expected seconds (1.5s) or beats (6b)`},
		{"2b load", `t.perf:1: load needs 1 set file (a path without spaces), got 0 words`},
		{"2b load my set.toml", `t.perf:1: load needs 1 set file (a path without spaces), got 2 words`},
		{"1.5 press 0 0", `t.perf:1: time "1.5": expected seconds (1.5s) or beats (6b)`},
		{"s press 0 0", `t.perf:1: time "s": expected seconds (1.5s) or beats (6b)`},
		{".5b press 0 0", `t.perf:1: time ".5b": expected seconds (1.5s) or beats (6b)`},
		{"5.b press 0 0", `t.perf:1: time "5.b": expected seconds (1.5s) or beats (6b)`},
		{"1e3s press 0 0", `t.perf:1: time "1e3s": expected seconds (1.5s) or beats (6b)`},
		{"0x10b press 0 0", `t.perf:1: time "0x10b": expected seconds (1.5s) or beats (6b)`},
		{"+1s press 0 0", `t.perf:1: time "+1s": expected seconds (1.5s) or beats (6b)`},
		{"1_0s press 0 0", `t.perf:1: time "1_0s": expected seconds (1.5s) or beats (6b)`},
		{"-1b press 0 0", `t.perf:1: time "-1b": must not be negative`},
		{"-0.5s end", `t.perf:1: time "-0.5s": must not be negative`},
		{"NaNs end", `t.perf:1: time "NaNs": not a finite number`},
		{"infb end", `t.perf:1: time "infb": not a finite number`},
		{"-Infs end", `t.perf:1: time "-Infs": not a finite number`},
		{"86400.5s end", `t.perf:1: time "86400.5s": over the limit of 86400s`},
		{"100001b end", `t.perf:1: time "100001b": over the limit of 100000b`},
		{strings.Repeat("9", 400) + "b end", `t.perf:1: time "` + strings.Repeat("9", 400) + `b": over the limit of 100000b`},
		{"press 0 0", `t.perf:1: line starts with "press", not a time: write e.g. "4b press 0 0"`},
		{"4b", `t.perf:1: time "4b" without a command (press, release, scene, stop, stopall, end, midi, serial, load, pad, padup, button, buttondown, buttonup, midi-in)`},
		{"4b pres 0 0", `t.perf:1: unknown command "pres" (did you mean "press"?)`},
		{"4b Press 0 0", `t.perf:1: unknown command "Press" (did you mean "press"?)`},
		{"4b stop_all", `t.perf:1: unknown command "stop_all" (did you mean "stopall"?)`},
		{"4b scenes 1", `t.perf:1: unknown command "scenes" (did you mean "scene"?)`},
		{"4b relase 0 0", `t.perf:1: unknown command "relase" (did you mean "release"?)`},
		{"4b launch 0 0", `t.perf:1: unknown command "launch" (commands: press, release, scene, stop, stopall, end, midi, serial, load, pad, padup, button, buttondown, buttonup, midi-in)`},
		{"4b " + strings.Repeat("x", 40), `t.perf:1: unknown command "` + strings.Repeat("x", 40) + `" (commands: press, release, scene, stop, stopall, end, midi, serial, load, pad, padup, button, buttondown, buttonup, midi-in)`},
		{"4b press 1", `t.perf:1: press needs 2 numbers (x y), got 1`},
		{"4b press", `t.perf:1: press needs 2 numbers (x y), got 0`},
		{"4b press 1 2 3", `t.perf:1: press needs 2 numbers (x y), got 3`},
		{"4b release 1", `t.perf:1: release needs 2 numbers (x y), got 1`},
		{"4b press -1 0", `t.perf:1: press: x "-1": must not be negative`},
		{"4b press 0 -3", `t.perf:1: press: y "-3": must not be negative`},
		{"4b press 4096 0", `t.perf:1: press: x "4096": over the limit of 4095`},
		{"4b release 0 99999999999999999999999", `t.perf:1: release: y "99999999999999999999999": over the limit of 4095`},
		{"4b press 1.5 0", `t.perf:1: press: x "1.5": expected a whole number from 0 to 4095`},
		{"4b press a b", `t.perf:1: press: x "a": expected a whole number from 0 to 4095`},
		{"4b press +1 0", `t.perf:1: press: x "+1": expected a whole number from 0 to 4095`},
		{"4b scene", `t.perf:1: scene needs 1 number (row), got 0`},
		{"4b scene 1 2", `t.perf:1: scene needs 1 number (row), got 2`},
		{"4b scene x", `t.perf:1: scene: row "x": expected a whole number from 0 to 4095`},
		{"4b scene 5000", `t.perf:1: scene: row "5000": over the limit of 4095`},
		{"4b stop", `t.perf:1: stop needs 1 number (track), got 0`},
		{"4b stop 1 2", `t.perf:1: stop needs 1 number (track), got 2`},
		{"4b stop -2", `t.perf:1: stop: track "-2": must not be negative`},
		{"4b stopall 1", `t.perf:1: stopall takes no arguments, got 1`},
		{"4b end now", `t.perf:1: end takes no arguments, got 1`},
		{"4b midi", `t.perf:1: midi needs a controller model and at least one hex byte, e.g. "midi launchpad-mini-mk3 90 0b 7f"`},
		{"4b midi launchpad-mini-mk3", `t.perf:1: midi needs a controller model and at least one hex byte, e.g. "midi launchpad-mini-mk3 90 0b 7f"`},
		{"4b serial monome-128", `t.perf:1: serial needs a controller model and at least one hex byte, e.g. "serial monome-128 21 03 04"`},
		{"4b midi Launchpad 90", `t.perf:1: midi: model "Launchpad": must start with a lower-case letter and hold only a-z, 0-9, '-', '_' and '.' (e.g. "midi launchpad-mini-mk3 90 0b 7f")`},
		{"4b midi 90 0b 7f", `t.perf:1: midi: model "90": must start with a lower-case letter and hold only a-z, 0-9, '-', '_' and '.' (e.g. "midi launchpad-mini-mk3 90 0b 7f")`},
		{"4b serial monome/128 00", `t.perf:1: serial: model "monome/128": must start with a lower-case letter and hold only a-z, 0-9, '-', '_' and '.' (e.g. "serial monome-128 21 03 04")`},
		{"4b midi " + strings.Repeat("m", 65) + " 90", `t.perf:1: midi: model "` + strings.Repeat("m", 65) + `": must start with a lower-case letter and hold only a-z, 0-9, '-', '_' and '.' (e.g. "midi launchpad-mini-mk3 90 0b 7f")`},
		{"4b midi launchpad-mini-mk3 90 1g", `t.perf:1: midi: byte 2 "1g": expected two hex digits (00 to ff)`},
		{"4b midi launchpad-mini-mk3 100", `t.perf:1: midi: byte 1 "100": expected two hex digits (00 to ff)`},
		{"4b midi launchpad-mini-mk3 9", `t.perf:1: midi: byte 1 "9": expected two hex digits (00 to ff)`},
		{"4b midi launchpad-mini-mk3 0x90", `t.perf:1: midi: byte 1 "0x90": expected two hex digits (00 to ff)`},
		{"4b serial monome-128 +1", `t.perf:1: serial: byte 1 "+1": expected two hex digits (00 to ff)`},
		{"4b pad 0", `t.perf:1: pad needs 2 numbers (col row) and an optional velocity, got 1`},
		{"4b pad 0 0 100 1", `t.perf:1: pad needs 2 numbers (col row) and an optional velocity, got 4`},
		{"4b padup 0 0 100", `t.perf:1: padup needs 2 numbers (col row), got 3`},
		{"4b pad 8 0", `t.perf:1: pad: col "8": expected a whole number from 0 to 7`},
		{"4b pad 0 -1", `t.perf:1: pad: row "-1": expected a whole number from 0 to 7`},
		{"4b padup 0 99999999999999999999999", `t.perf:1: padup: row "99999999999999999999999": expected a whole number from 0 to 7`},
		{"4b pad 0 0 0", `t.perf:1: pad: velocity "0": expected a whole number from 1 to 127`},
		{"4b pad 0 0 128", `t.perf:1: pad: velocity "128": expected a whole number from 1 to 127`},
		{"4b pad 0 0 +5", `t.perf:1: pad: velocity "+5": expected a whole number from 1 to 127`},
		{"4b pad a 0", `t.perf:1: pad: col "a": expected a whole number from 0 to 7`},
		{"4b pads 0 0", `t.perf:1: unknown command "pads" (did you mean "pad"?)`},
		{"4b pad_up 0 0", `t.perf:1: unknown command "pad_up" (did you mean "padup"?)`},
		{"4b buton record", `t.perf:1: unknown command "buton" (did you mean "button"?)`},
		{"4b button", `t.perf:1: button needs 1 button name (e.g. "button shift"), got 0 words`},
		{"4b buttondown shift clear", `t.perf:1: buttondown needs 1 button name (e.g. "buttondown shift"), got 2 words`},
		{"4b button recrod", `t.perf:1: button: no button "recrod"; did you mean "record"?`},
		{"4b buttonup Shift", `t.perf:1: buttonup: no button "Shift"; did you mean "shift"?`},
		{"4b buttondown duplciate", `t.perf:1: buttondown: no button "duplciate"; did you mean "duplicate"?`},
		{"4b button scene", `t.perf:1: button: no button "scene"; expected one of up, down, left, right, session, mixer, volume, stopall, note, drum, step, record, undo, redo, metronome, shift, clear, duplicate, quantize, length`},
		{"4b press 0 0 " + strings.Repeat(" ", perfscript.MaxLine), `t.perf:1: line is 4109 bytes, over the 4096-byte limit`},
		{"#" + strings.Repeat("x", perfscript.MaxLine), `t.perf:1: line is 4097 bytes, over the 4096-byte limit`},
	}
	for _, tt := range tests {
		t.Run(tt.line[:min(len(tt.line), 40)], func(t *testing.T) {
			s, err := perfscript.Parse("t.perf", []byte(tt.line))
			if err == nil {
				t.Fatalf("no error; events %+v", s.Events)
			}
			if s != nil {
				t.Errorf("got a script with an error")
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
			var le *perfscript.LineError
			if !errors.As(err, &le) || le.File != "t.perf" || le.Line != 1 {
				t.Errorf("error %v is not a *LineError for t.perf:1 (got %+v)", err, le)
			}
		})
	}
}

func TestParseReportsEveryBadLine(t *testing.T) {
	src := `# demo
0b scene 0
4b press 1
4b press 0 0   # fine
8b pres 0 0

9z end
10b end
12b end
`
	_, err := perfscript.Parse("demo.perf", []byte(src))
	want := `demo.perf:3: press needs 2 numbers (x y), got 1
demo.perf:5: unknown command "pres" (did you mean "press"?)
demo.perf:7: time "9z": expected seconds (1.5s) or beats (6b)
demo.perf:9: second end (the first is on line 8)`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
	var lines []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var le *perfscript.LineError
		if errors.As(e, &le) {
			lines = append(lines, le.Line)
		}
	}
	if !reflect.DeepEqual(lines, []int{3, 5, 7, 9}) {
		t.Errorf("LineError lines %v, want [3 5 7 9]", lines)
	}
}

// model accepts the controller models of a test: midi "lp", serial "grid".
func model(k perfscript.Kind, m string) string {
	if k == perfscript.MIDI && m == "lp" || k == perfscript.Serial && m == "grid" {
		return ""
	}
	return "no such model"
}

// TestParseForReportsEventsOutsideTheSet: on a 2-track, 1-scene set every
// event naming a track, row or model that is not there is a bad line,
// reported in line order with the script's other errors.
func TestParseForReportsEventsOutsideTheSet(t *testing.T) {
	src := `0b scene 0
1b scene 99
2b press 1 0     # fine: the last track, the only row
3b press 2 0
4b release 0 1
5b stop 2
6b pres 0 0
7b midi lp 90 00 7f
8b midi grid 90 00 7f
9b serial grid 21 00 00
10b stop 1
`
	b := perfscript.Bounds{Tracks: 2, Scenes: 1, Model: model}
	_, err := perfscript.ParseFor("set.perf", []byte(src), b)
	want := `set.perf:2: scene 99: there is no scene row 99; the set has 1 scene (row 0)
set.perf:4: press 2 0: there is no track 2; the set has 2 tracks (0 to 1)
set.perf:5: release 0 1: there is no scene row 1; the set has 1 scene (row 0)
set.perf:6: stop 2: there is no track 2; the set has 2 tracks (0 to 1)
set.perf:7: unknown command "pres" (did you mean "press"?)
set.perf:9: midi grid: no such model`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}

	// The same events, parsed alone and then validated (the script
	// sorted by frame first): the same set errors, in line order.
	good := strings.Replace(src, "6b pres 0 0", "6b press 0 0", 1)
	s, err := perfscript.Parse("set.perf", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	s.Sort(func(t perfscript.Time) int64 { return -int64(t.Value) }) // reversed
	want = strings.Replace(want, "set.perf:7: unknown command \"pres\" (did you mean \"press\"?)\n", "", 1)
	if err := s.Validate(b); err == nil || err.Error() != want {
		t.Fatalf("Validate: got\n%v\nwant\n%s", err, want)
	}
	if err := s.Validate(perfscript.Bounds{Tracks: 3, Scenes: 100}); err != nil {
		t.Errorf("Validate in a set big enough, any model: %v", err)
	}
}

func TestParseForEmptySet(t *testing.T) {
	_, err := perfscript.ParseFor("e.perf", []byte("0b press 0 0\n1b scene 0\n2b stopall\n3b end\n"), perfscript.Bounds{})
	want := `e.perf:1: press 0 0: there is no track 0; the set has no tracks
e.perf:2: scene 0: there is no scene row 0; the set has no scenes`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
}

func TestParseStopsListingAfter50Errors(t *testing.T) {
	src := strings.Repeat("bad\n", 60)
	_, err := perfscript.Parse("x.perf", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	errs := err.(interface{ Unwrap() []error }).Unwrap()
	if len(errs) != 51 {
		t.Fatalf("%d errors, want 50 lines + 1 summary", len(errs))
	}
	if got, want := errs[50].Error(), "x.perf: too many errors; 10 more bad lines not listed"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	_, err = perfscript.Parse("x.perf", []byte(strings.Repeat("bad\n", 51)))
	errs = err.(interface{ Unwrap() []error }).Unwrap()
	if got, want := errs[50].Error(), "x.perf: too many errors; 1 more bad line not listed"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

func TestParseTooLarge(t *testing.T) {
	data := bytes.Repeat([]byte("# padding line\n"), perfscript.MaxSize/15+1)
	_, err := perfscript.Parse("big.perf", data)
	if !errors.Is(err, perfscript.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if !strings.HasPrefix(err.Error(), "big.perf: script too large: ") {
		t.Errorf("message %q does not name the file", err)
	}
	if _, err := perfscript.Parse("ok.perf", data[:perfscript.MaxSize]); err != nil {
		t.Errorf("exactly MaxSize bytes: %v", err)
	}
}

func TestParseKeepsFileOrderAndLines(t *testing.T) {
	src := "8b press 0 0\n\n# comment\n2s scene 1\r\n4b release 0 0"
	s, err := perfscript.Parse("o.perf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.Events {
		got = append(got, e.String())
	}
	want := []string{"8b press 0 0", "2s scene 1", "4b release 0 0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if s.File != "o.perf" || s.Events[0].Line != 1 || s.Events[1].Line != 4 || s.Events[2].Line != 5 {
		t.Errorf("file %q lines %d %d %d, want o.perf 1 4 5", s.File, s.Events[0].Line, s.Events[1].Line, s.Events[2].Line)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only a comment\n   \t\n"} {
		s, err := perfscript.Parse("e.perf", []byte(src))
		if err != nil || len(s.Events) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no events", src, s, err)
		}
	}
}

func TestSortIsStableByFrame(t *testing.T) {
	src := `8b press 0 0
1s scene 1
4b release 2 2
4b press 2 2
2s stop 3
0b scene 0
`
	s, err := perfscript.Parse("s.perf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// 120 BPM at 48 kHz: a beat is 24000 frames, a second 48000, so 2s == 4b.
	s.Sort(func(t perfscript.Time) int64 {
		if t.Unit == perfscript.Beats {
			return int64(t.Value * 24000)
		}
		return int64(t.Value * 48000)
	})
	var got []string
	for _, e := range s.Events {
		got = append(got, e.String())
	}
	want := []string{"0b scene 0", "1s scene 1", "4b release 2 2", "4b press 2 2", "2s stop 3", "8b press 0 0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sorted %q\nwant   %q", got, want)
	}
}

func TestStrings(t *testing.T) {
	for k, want := range map[perfscript.Kind]string{
		perfscript.Press: "press", perfscript.Release: "release", perfscript.Scene: "scene", perfscript.Stop: "stop",
		perfscript.StopAll: "stopall", perfscript.End: "end", perfscript.MIDI: "midi", perfscript.Serial: "serial", perfscript.Load: "load",
		perfscript.Pad: "pad", perfscript.PadUp: "padup", perfscript.Button: "button", perfscript.ButtonDown: "buttondown", perfscript.ButtonUp: "buttonup",
		perfscript.Kind(42): "Kind(42)",
	} {
		if got := k.String(); got != want {
			t.Errorf("Kind %d: %q, want %q", int(k), got, want)
		}
	}
	for u, want := range map[perfscript.Unit]string{perfscript.Seconds: "s", perfscript.Beats: "b", perfscript.Unit(7): "Unit(7)"} {
		if got := u.String(); got != want {
			t.Errorf("Unit %d: %q, want %q", int(u), got, want)
		}
	}
	if got := (perfscript.Time{Value: 31.7, Unit: perfscript.Beats}).String(); got != "31.7b" {
		t.Errorf("Time.String = %q, want 31.7b", got)
	}
	e := perfscript.Event{At: perfscript.Time{Value: 1, Unit: perfscript.Seconds}, Kind: perfscript.MIDI, Model: "launchpad-mini-mk3", Bytes: []byte{0x90, 0x0b, 0x7f}}
	if got := e.String(); got != "1s midi launchpad-mini-mk3 90 0b 7f" {
		t.Errorf("Event.String = %q", got)
	}
	for e, want := range map[*perfscript.Event]string{
		{At: perfscript.Time{Value: 2, Unit: perfscript.Beats}, Kind: perfscript.Pad, X: 1, Y: 2, Velocity: 100}: "2b pad 1 2", // the default is not written
		{At: perfscript.Time{Value: 2, Unit: perfscript.Beats}, Kind: perfscript.Pad, X: 1, Y: 2, Velocity: 9}:   "2b pad 1 2 9",
		{At: perfscript.Time{Value: 2, Unit: perfscript.Beats}, Kind: perfscript.PadUp, X: 7, Y: 0}:              "2b padup 7 0",
		{At: perfscript.Time{Value: 2, Unit: perfscript.Beats}, Kind: perfscript.Button, Name: "undo"}:           "2b button undo",
		{At: perfscript.Time{Value: 2, Unit: perfscript.Beats}, Kind: perfscript.ButtonDown, Name: "clear"}:      "2b buttondown clear",
		{At: perfscript.Time{Value: 2, Unit: perfscript.Beats}, Kind: perfscript.ButtonUp, Name: "clear"}:        "2b buttonup clear",
	} {
		if got := e.String(); got != want {
			t.Errorf("Event.String = %q, want %q", got, want)
		}
	}
}

// TestButtonNames: the names are the contract's words, once each, and the
// caller may keep the slice (grid/virtual's tests check the layout agrees).
func TestButtonNames(t *testing.T) {
	want := "up down left right session mixer volume stopall note drum step record undo redo metronome shift clear duplicate quantize length"
	ns := perfscript.ButtonNames()
	if got := strings.Join(ns, " "); got != want {
		t.Fatalf("ButtonNames = %s\nwant          %s", got, want)
	}
	ns[0] = "sideways"
	if perfscript.ButtonNames()[0] != "up" {
		t.Fatal("changing ButtonNames' slice changed the names")
	}
}

// FuzzParse checks that Parse never panics, that what it accepts is within the
// documented limits, and that every accepted event prints as a line that parses
// back to the same event.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"0b scene 0\n15.7b scene 1\n31.7b press 5 2\n47.7b release 5 2\n60b stopall\n64b end\n",
		"1.5s press 0 0 # comment\r\n2s release 0 0\n",
		"4b stop 3\n4b stopall\n",
		"2b midi launchpad-mini-mk3 90 0b 7f\n2.5s serial monome-128 21 03 04\n",
		"1.5x press 0 0\npress 0 0\n4b pres 1 2\n4b press 1\n",
		"-1b end\nNaNs end\n1e999s end\n99999999999999999999b end\n",
		"4b press 4096 -1\n4b midi Launchpad 1g\n4b end\n5b end\n",
		"0.000000000000000000000000000000000000000000001s end\n",
		"\x00\xff#\n\t \r\n",
		"0b press 2 1\n1b scene 2\n2b stop 3\n3b midi lp 90\n4b serial lp 21\n",
		"2b load v2.toml\n3b load\n4b load a b\n",
		"0b pad 0 0\n0.5b padup 0 0\n1b pad 7 7 127\n1b pad 3 3 1\n2b padup 7 7\n4b pad 8 0 0\n",
		"0b button record\n1b buttondown shift\n2b buttonup shift\n3b button recrod\n3b button\n",
		"0s midi-in MPC fa f8\n0.02s midi-in \"Akai  MPC\" f8 # tick\n1b midi-in x f2 10 00 fb\n",
		"0b midi-in\n0b midi-in \"MPC f8\n0b midi-in \"\" f8\n0b midi-in a\"b f8\n0b midi-in \"a\"f8\n0b midi-in MPC\n0b midi-in MPC f\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := perfscript.Parse("fuzz.perf", data)
		// ParseFor agrees with Parse and Validate: it accepts a script
		// exactly when both do.
		b := perfscript.Bounds{Tracks: 3, Scenes: 2, Model: model}
		sf, errFor := perfscript.ParseFor("fuzz.perf", data, b)
		if err == nil && (errFor == nil) != (s.Validate(b) == nil) {
			t.Fatalf("ParseFor: %v; Validate after Parse: %v", errFor, s.Validate(b))
		}
		if err != nil && errFor == nil || errFor == nil && !reflect.DeepEqual(sf, s) {
			t.Fatalf("ParseFor accepted what Parse did not, or parsed it otherwise: %v", err)
		}
		if err != nil {
			if s != nil {
				t.Fatal("script and error both returned")
			}
			return
		}
		ends := 0
		for _, e := range s.Events {
			v := e.At.Value
			if math.IsNaN(v) || v < 0 || (e.At.Unit == perfscript.Seconds && v > perfscript.MaxSeconds) || (e.At.Unit == perfscript.Beats && v > perfscript.MaxBeats) {
				t.Fatalf("line %d: bad time %v", e.Line, e.At)
			}
			if e.X < 0 || e.X > perfscript.MaxNumber || e.Y < 0 || e.Y > perfscript.MaxNumber {
				t.Fatalf("line %d: bad coordinates %d %d", e.Line, e.X, e.Y)
			}
			if (e.Kind == perfscript.MIDI || e.Kind == perfscript.Serial) && (len(e.Bytes) == 0 || e.Model == "") {
				t.Fatalf("line %d: raw event without model or bytes", e.Line)
			}
			if (e.Kind == perfscript.MIDIIn) != (e.Port != "") || e.Kind == perfscript.MIDIIn && len(e.Bytes) == 0 {
				t.Fatalf("line %d: %s with port %q and %d bytes", e.Line, e.Kind, e.Port, len(e.Bytes))
			}
			if e.Kind == perfscript.End {
				ends++
			}
			if (e.Kind == perfscript.Pad || e.Kind == perfscript.PadUp) && (e.X >= perfscript.PadCols || e.Y >= perfscript.PadRows) {
				t.Fatalf("line %d: pad %d %d off the 8×8", e.Line, e.X, e.Y)
			}
			if (e.Kind == perfscript.Pad) != (e.Velocity != 0) || e.Velocity > 127 {
				t.Fatalf("line %d: %s with velocity %d", e.Line, e.Kind, e.Velocity)
			}
			named := e.Kind == perfscript.Button || e.Kind == perfscript.ButtonDown || e.Kind == perfscript.ButtonUp
			if named != slices.Contains(perfscript.ButtonNames(), e.Name) {
				t.Fatalf("line %d: %s with button name %q", e.Line, e.Kind, e.Name)
			}
			back, err := perfscript.Parse("again.perf", []byte(e.String()))
			if err != nil {
				t.Fatalf("line %d printed as %q, which does not parse: %v", e.Line, e.String(), err)
			}
			e.Line = 1
			if !reflect.DeepEqual(back.Events, []perfscript.Event{e}) {
				t.Fatalf("round trip of %q gave %+v, want %+v", e.String(), back.Events, e)
			}
		}
		if ends > 1 {
			t.Fatalf("%d end events", ends)
		}
	})
}

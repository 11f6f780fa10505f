package launchpad

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
)

// collect feeds b whole and one byte at a time (every chunk boundary) into
// fresh parsers, requires both to agree, and returns the events and stats.
func collect(t testing.TB, m Model, b []byte) ([]Event, Stats) {
	t.Helper()
	var whole, single []Event
	p := NewParser(m)
	p.Feed(b, func(e Event) { whole = append(whole, e) })
	q := NewParser(m)
	for i := range b {
		q.Feed(b[i:i+1], func(e Event) { single = append(single, e) })
	}
	if !reflect.DeepEqual(whole, single) || p.Stats != q.Stats {
		t.Fatalf("%v: chunking changed the result:\nwhole  %v %+v\nsingle %v %+v", m, whole, p.Stats, single, q.Stats)
	}
	return whole, p.Stats
}

func down(x, y int, v uint8) Event { return Event{Button{x, y}, true, v} }
func up(x, y int) Event            { return Event{Button: Button{x, y}} }

// TestParseGolden: hand-written streams per model, numbers from
// protocols.md §0 and §2.
func TestParseGolden(t *testing.T) {
	cases := []struct {
		m    Model
		in   []byte
		want []Event
	}{
		// §2.1 X-Y layout: top-left 0, scene col 8 (note 8 … 120), top row CC 68h–6Fh.
		{Launchpad, []byte{0x90, 0x00, 0x7F, 0x90, 0x00, 0x00, 0x90, 0x78, 0x7F, 0xB0, 0x68, 0x7F, 0xB0, 0x6F, 0x00, 0x80, 0x08, 0x40, 0x90, 0x77, 0x7F},
			[]Event{down(0, 0, 127), up(0, 0), down(8, 7, 127), down(0, -1, 127), up(7, -1), up(8, 0), down(7, 7, 127)}},
		{LaunchpadS, []byte{0x90, 0x10, 0x7F, 0x11, 0x7F}, []Event{down(0, 1, 127), down(1, 1, 127)}},
		{LaunchpadMini, []byte{0x90, 0x18, 0x7F}, []Event{down(8, 1, 127)}},
		// §2.2 Session: 11–88 from the bottom-left, right column notes 19..89, top CC 104–111.
		{LaunchpadMK2, []byte{0x90, 0x51, 0x7F, 0x90, 0x59, 0x7F, 0x90, 0x13, 0x00, 0xB0, 0x68, 0x7F, 0x90, 0x0B, 0x7F},
			[]Event{down(0, 0, 127), down(8, 0, 127), up(8, 7), down(0, -1, 127), down(0, 7, 127)}},
		// §2.3 Programmer: CC top 91–98, bottom 1–8, left 10…80, right 19…89; D0 pressure ignored.
		{LaunchpadPro, []byte{0x90, 0x51, 0x64, 0xD0, 0x40, 0xB0, 0x5B, 0x7F, 0xB0, 0x01, 0x7F, 0xB0, 0x50, 0x7F, 0xB0, 0x13, 0x7F, 0xB0, 0x0A, 0x00, 0x90, 0x51, 0x00},
			[]Event{down(0, 0, 100), down(0, -1, 127), down(0, 8, 127), down(-1, 0, 127), down(8, 7, 127), up(-1, 7), up(0, 0)}},
		// §2.4: velocity-sensitive pads, right column CC 89…19, A0 poly pressure ignored, 99 is a light only.
		{LaunchpadX, []byte{0x90, 0x51, 0x64, 0xA0, 0x51, 0x20, 0xB0, 0x59, 0x7F, 0xB0, 0x5B, 0x7F, 0xB0, 0x63, 0x7F, 0x90, 0x58, 0x01, 0x80, 0x51, 0x7F},
			[]Event{down(0, 0, 100), down(8, 0, 127), down(0, -1, 127), down(7, 0, 1), up(0, 0)}},
		{LaunchpadMiniMK3, []byte{0x90, 0x0B, 0x7F, 0xB0, 0x62, 0x7F}, []Event{down(0, 7, 127), down(7, -1, 127)}},
		// §2.6: Shift CC 90, bottom rows 101–108 and 1–8, F8 flood dropped.
		{LaunchpadProMK3, []byte{0xF8, 0xB0, 0x5A, 0x7F, 0xF8, 0xB0, 0x65, 0xF8, 0x7F, 0xB0, 0x01, 0x7F, 0xB0, 0x6C, 0x00, 0xD0, 0x33, 0xB0, 0x50, 0x7F},
			[]Event{down(-1, -1, 127), down(0, 8, 127), down(0, 9, 127), up(7, 8), down(-1, 0, 127)}},
	}
	for _, c := range cases {
		got, _ := collect(t, c.m, c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v % X:\n got %v\nwant %v", c.m, c.in, got, c.want)
		}
	}
}

// docAddress is each button's input message as protocols.md §0 states it,
// written independently of the package's tables.
func docAddress(m Model, b Button) (status, num byte) {
	const note, cc = 0x90, 0xB0
	switch m {
	case Launchpad, LaunchpadS, LaunchpadMini:
		if b.Y == -1 {
			return cc, byte(0x68 + b.X)
		}
		return note, byte(b.Y<<4 | b.X)
	case LaunchpadMK2:
		if b.Y == -1 {
			return cc, byte(104 + b.X)
		}
		return note, byte((8-b.Y)*10 + b.X + 1) // right column: col 9
	}
	row, col := 8-b.Y, b.X+1 // 0–9 from the bottom-left
	if m == LaunchpadProMK3 && b.Y >= 8 {
		if b.Y == 8 {
			return cc, byte(100 + col)
		}
		return cc, byte(col)
	}
	if b.Pad() {
		return note, byte(row*10 + col)
	}
	return cc, byte(row*10 + col)
}

func TestParseEveryButton(t *testing.T) {
	counts := map[Model]int{Launchpad: 80, LaunchpadS: 80, LaunchpadMini: 80, LaunchpadMK2: 80,
		LaunchpadPro: 96, LaunchpadX: 80, LaunchpadMiniMK3: 80, LaunchpadProMK3: 105}
	for _, m := range Models {
		bs := m.Buttons()
		if len(bs) != counts[m] {
			t.Errorf("%v: %d buttons, want %d", m, len(bs), counts[m])
		}
		var in []byte
		var want []Event
		for _, b := range bs {
			st, n := docAddress(m, b)
			in = append(in, st, n, 0x7F, st, n, 0x00)
			want = append(want, down(b.X, b.Y, 127), up(b.X, b.Y))
		}
		got, stats := collect(t, m, in)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v: every button:\n got %v\nwant %v", m, got, want)
		}
		if stats.Events != uint64(len(want)) {
			t.Errorf("%v: Events = %d", m, stats.Events)
		}
		// Every other note and CC is no button.
		var all []byte
		for n := 0; n < 128; n++ {
			all = append(all, 0x90, byte(n), 0x7F, 0xB0, byte(n), 0x7F)
		}
		got, stats = collect(t, m, all)
		if len(got) != len(bs) || stats.Unknown != uint64(256-len(bs)) {
			t.Errorf("%v: all notes and CCs gave %d events, %d unknown", m, len(got), stats.Unknown)
		}
	}
}

func TestParseHostile(t *testing.T) {
	rep := func(n int, b ...byte) []byte { return bytes.Repeat(b, n) }
	sysex := func(n int, head ...byte) []byte { // n bytes in all, F0 and F7 included
		b := append([]byte{0xF0}, head...)
		b = append(b, rep(n-2-len(head), 0x01)...)
		return append(b, 0xF7)
	}
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	cases := []struct {
		name   string
		in     []byte
		events int
		want   Stats
	}{
		{"status only", []byte{0x90}, 0, Stats{}},
		{"status then status", []byte{0x90, 0xB0}, 0, Stats{Truncated: 1}},
		{"half a note then a note", []byte{0x90, 0x51, 0x90, 0x51, 0x7F}, 1, Stats{Events: 1, Truncated: 1}},
		{"F0 7F 7F F7", []byte{0xF0, 0x7F, 0x7F, 0xF7}, 0, Stats{SysExIgnored: 1}},
		{"empty sysex", []byte{0xF0, 0xF7}, 0, Stats{SysExIgnored: 1}},
		{"lone FA", []byte{0xFA}, 0, Stats{Realtime: 1}},
		{"lone F8", []byte{0xF8}, 0, Stats{Clock: 1}},
		{"status-only start stop", []byte{0xFA, 0xFC, 0xFB, 0xFF, 0xFE, 0xF9, 0xFD}, 0, Stats{Realtime: 7}},
		{"sysex without F7", []byte{0xF0, 0x00, 0x20, 0x29, 0x02}, 0, Stats{}},
		{"sysex aborted by a note", []byte{0xF0, 0x00, 0x20, 0x29, 0x90, 0x51, 0x7F}, 1, Stats{Events: 1, SysExAborted: 1}},
		{"sysex aborted by sysex", []byte{0xF0, 0x01, 0xF0, 0x00, 0x20, 0x29, 0xF7}, 0, Stats{SysExAborted: 1, SysEx: 1}},
		{"1025-byte sysex", sysex(1025), 0, Stats{SysExIgnored: 1}},
		{"1025-byte Novation sysex", sysex(1025, 0x00, 0x20, 0x29), 0, Stats{SysEx: 1}},
		{"max sysex", sysex(MaxSysEx, 0x00, 0x20, 0x29), 0, Stats{SysEx: 1}},
		{"max+1 sysex", sysex(MaxSysEx+1, 0x00, 0x20, 0x29), 0, Stats{SysExTooLong: 1}},
		{"64 KiB sysex", sysex(64 << 10), 0, Stats{SysExTooLong: 1}},
		{"64 KiB sysex without F7, then a note", cat(sysex(64 << 10)[:64<<10-1], []byte{0x90, 0x51, 0x7F}), 1, Stats{SysExTooLong: 1, Events: 1}},
		{"realtime inside sysex", []byte{0xF0, 0x7E, 0xF8, 0x00, 0xFE, 0x06, 0x02, 0xF7}, 0, Stats{SysEx: 1, Clock: 1, Realtime: 1}},
		{"running status across realtime", []byte{0x90, 0x51, 0xF8, 0x7F, 0xFA, 0x51, 0xFE, 0x00}, 2, Stats{Events: 2, Clock: 1, Realtime: 2, RunningStatus: 1}},
		{"data with no status", []byte{0x51, 0x7F, 0x00}, 0, Stats{StrayData: 3}},
		{"data after sysex", []byte{0xF0, 0x00, 0x20, 0x29, 0xF7, 0x51, 0x7F}, 0, Stats{SysEx: 1, StrayData: 2}},
		{"poly aftertouch flood", cat([]byte{0xA0}, rep(1000, 0x51, 0x40)), 0, Stats{Pressure: 1000, RunningStatus: 999}},
		{"channel pressure flood", cat([]byte{0xD0}, rep(1000, 0x40)), 0, Stats{Pressure: 1000, RunningStatus: 999}},
		{"aftertouch on every channel", []byte{0xA5, 0x51, 0x40, 0xDF, 0x10}, 0, Stats{Pressure: 2}},
		{"10 000 clocks", rep(10000, 0xF8), 0, Stats{Clock: 10000}},
		{"stray F7", []byte{0xF7}, 0, Stats{Unknown: 1}},
		{"undefined F4 F5, tune request", []byte{0xF4, 0xF5, 0xF6}, 0, Stats{Unknown: 3}},
		{"system common", []byte{0xF1, 0x10, 0xF2, 0x00, 0x10, 0xF3, 0x01}, 0, Stats{Unknown: 3}},
		{"system common cancels running status", []byte{0x90, 0x51, 0x7F, 0xF3, 0x01, 0x51, 0x00}, 1, Stats{Events: 1, Unknown: 1, StrayData: 2}},
		{"note on channel 2", []byte{0x91, 0x51, 0x7F}, 0, Stats{Unknown: 1}},
		{"program change, pitch bend", []byte{0xC0, 0x05, 0xE0, 0x00, 0x40}, 0, Stats{Unknown: 2}},
		{"unmapped note", []byte{0x90, 0x00, 0x7F}, 0, Stats{Unknown: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, stats := collect(t, LaunchpadX, c.in)
			if len(got) != c.events {
				t.Errorf("events %v, want %d", got, c.events)
			}
			if stats != c.want {
				t.Errorf("stats\n got %+v\nwant %+v", stats, c.want)
			}
		})
	}
}

func TestParseSysExCallback(t *testing.T) {
	reply := []byte{0xF0, 0x7E, 0x00, 0x06, 0x02, 0x00, 0x20, 0x29, 0x13, 0x01, 0x00, 0x00, 0x00, 0x01, 0x03, 0x08, 0xF7}
	// Clock bytes inside the reply, a split across Feed calls.
	in := []byte{0xF8}
	for _, b := range reply {
		in = append(in, b, 0xF8)
	}
	p := NewParser(LaunchpadMiniMK3)
	var got [][]byte
	p.SysEx = func(msg []byte) { got = append(got, append([]byte(nil), msg...)) }
	p.Feed(in[:7], nil)
	p.Feed(in[7:], nil)
	p.Feed([]byte{0xF0, 0x41, 0x10, 0xF7}, nil) // Roland: ignored
	if len(got) != 1 || !bytes.Equal(got[0], reply) {
		t.Fatalf("callback got % X", got)
	}
	fam, _, ver, ok := ParseInquiryReply(got[0])
	if m, mok := ModelFromInquiry(fam); !ok || !mok || m != LaunchpadMiniMK3 || ver != "138" {
		t.Errorf("inquiry: family %04X version %q ok %v → %v %v", fam, ver, ok, m, mok)
	}
	if p.Stats.SysEx != 1 || p.Stats.SysExIgnored != 1 || p.Stats.Clock != uint64(len(reply)+1) {
		t.Errorf("stats %+v", p.Stats)
	}
}

// TestParseTextEnd: the S, MK2 and Pro report the end of a scrolling text
// (B0 00 03, SX18(15), SX10(15)); the report reaches TextEnd, counts in
// TextEnds, and is no button and no unknown message. The same bytes from
// another model are nothing of the kind.
func TestParseTextEnd(t *testing.T) {
	s, mk2, pro := []byte{0xB0, 0x00, 0x03}, []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x15, 0xF7}, []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x10, 0x15, 0xF7}
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	cases := []struct {
		name   string
		m      Model
		in     []byte
		ends   int
		events int
		want   Stats
	}{
		{"S report", LaunchpadS, s, 1, 0, Stats{TextEnds: 1}},
		{"S report, running status, after a press", LaunchpadS, []byte{0xB0, 0x68, 0x7F, 0x00, 0x03}, 1, 1, Stats{Events: 1, TextEnds: 1, RunningStatus: 1}},
		{"S report split by clocks", LaunchpadS, []byte{0xB0, 0xF8, 0x00, 0xF8, 0x03}, 1, 0, Stats{TextEnds: 1, Clock: 2}},
		{"S CC 0 other values", LaunchpadS, []byte{0xB0, 0x00, 0x02, 0xB0, 0x00, 0x04, 0xB1, 0x00, 0x03}, 0, 0, Stats{Unknown: 3}},
		{"S, two reports (a loop)", LaunchpadS, cat(s, s), 2, 0, Stats{TextEnds: 2}},
		{"original Launchpad", Launchpad, s, 0, 0, Stats{Unknown: 1}},
		{"Mini", LaunchpadMini, s, 0, 0, Stats{Unknown: 1}},
		{"MK2 report", LaunchpadMK2, mk2, 1, 0, Stats{SysEx: 1, TextEnds: 1}},
		{"MK2 report with clocks inside", LaunchpadMK2, []byte{0xF0, 0x00, 0x20, 0xF8, 0x29, 0x02, 0x18, 0x15, 0xF8, 0xF7}, 1, 0, Stats{SysEx: 1, TextEnds: 1, Clock: 2}},
		{"MK2 gets the Pro's report", LaunchpadMK2, pro, 0, 0, Stats{SysEx: 1}},
		{"MK2 report with a byte more", LaunchpadMK2, []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x15, 0x00, 0xF7}, 0, 0, Stats{SysEx: 1}},
		{"MK2 report cut short", LaunchpadMK2, []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x15, 0x90, 0x51, 0x7F}, 0, 1, Stats{SysExAborted: 1, Events: 1}},
		{"MK2 S report", LaunchpadMK2, s, 0, 0, Stats{Unknown: 1}},
		{"Pro report", LaunchpadPro, pro, 1, 0, Stats{SysEx: 1, TextEnds: 1}},
		{"Pro gets the MK2's report", LaunchpadPro, mk2, 0, 0, Stats{SysEx: 1}},
		{"X: no such report", LaunchpadX, []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0C, 0x15, 0xF7}, 0, 0, Stats{SysEx: 1}},
		{"Pro MK3: no such report", LaunchpadProMK3, []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0E, 0x15, 0xF7}, 0, 0, Stats{SysEx: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, stats := collect(t, c.m, c.in)
			if len(events) != c.events || stats != c.want {
				t.Errorf("events %v, stats\n got %+v\nwant %+v", events, stats, c.want)
			}
			ends := 0
			p := NewParser(c.m)
			p.TextEnd = func() { ends++ }
			for i := range c.in { // byte by byte
				p.Feed(c.in[i:i+1], nil)
			}
			if ends != c.ends {
				t.Errorf("TextEnd called %d times, want %d", ends, c.ends)
			}
		})
	}
}

// checkParse is the fuzz property: no panic, events only for buttons the
// model has, Down iff Velocity > 0, chunking irrelevant, Events counted,
// TextEnd called once per TextEnds and only for models that report it.
func checkParse(t *testing.T, m Model, data []byte) {
	events, stats := collect(t, m, data)
	ends := 0
	p := NewParser(m)
	p.TextEnd = func() { ends++ }
	p.Feed(data, nil)
	if uint64(ends) != stats.TextEnds || (ends > 0 && !m.ReportsTextEnd()) {
		t.Fatalf("%v: TextEnd called %d times, TextEnds %d", m, ends, stats.TextEnds)
	}
	for _, e := range events {
		if !m.HasButton(e.Button) {
			t.Fatalf("%v: event for %v, not a button", m, e.Button)
		}
		if e.Down != (e.Velocity > 0) || e.Velocity > 127 {
			t.Fatalf("%v: inconsistent %+v", m, e)
		}
	}
	if stats.Events != uint64(len(events)) {
		t.Fatalf("%v: Events %d, emitted %d", m, stats.Events, len(events))
	}
	// An arbitrary split point too.
	if len(data) > 1 {
		k := int(data[0]) % len(data)
		var split []Event
		p := NewParser(m)
		p.Feed(data[:k], func(e Event) { split = append(split, e) })
		p.Feed(data[k:], func(e Event) { split = append(split, e) })
		if !reflect.DeepEqual(split, events) || p.Stats != stats {
			t.Fatalf("%v: split at %d changed the result", m, k)
		}
	}
}

func fuzzSeeds(f *testing.F) {
	for _, s := range [][]byte{
		{0x90, 0x51, 0x7F, 0x51, 0x00},
		{0xB0, 0x68, 0x7F, 0xB0, 0x5B, 0x00},
		{0xF0, 0x7F, 0x7F, 0xF7},
		{0xFA}, {0xF8}, {0x90},
		{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0C, 0x0E, 0x01},
		{0x90, 0x51, 0xF8, 0x7F, 0xFA, 0x51, 0xFE, 0x00},
		{0x51, 0x7F},
		{0xA0, 0x51, 0x40, 0x52, 0x41, 0xD0, 0x10, 0x11},
		bytes.Repeat([]byte{0xF8}, 300),
		append(append([]byte{0xF0}, bytes.Repeat([]byte{0x01}, 5000)...), 0xF7),
		{0xF0, 0x7E, 0x00, 0x06, 0x02, 0x00, 0x20, 0x29, 0x69, 0x00, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0xF7},
		{0x80, 0x0B, 0x40, 0x90, 0x78, 0x7F, 0xB0, 0x6F, 0x7F, 0xB0, 0x65, 0x7F, 0xB0, 0x5A, 0x7F},
		// Text-end reports: S, MK2, Pro, and near misses.
		{0xB0, 0x00, 0x03, 0x00, 0x03, 0xF8, 0xB0, 0x00, 0x02},
		{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x15, 0xF7},
		{0xF0, 0x00, 0x20, 0x29, 0x02, 0x10, 0x15, 0xF7, 0xF0, 0x00, 0x20, 0x29, 0x02, 0x10, 0x15},
		{0xF0, 0x00, 0x20, 0xF8, 0x29, 0x02, 0x18, 0x15, 0x15, 0xF7},
	} {
		f.Add(s)
	}
}

func fuzzModels(f *testing.F, models ...Model) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range models {
			checkParse(t, m, data)
		}
	})
}

func FuzzParseRedGreen(f *testing.F) { fuzzModels(f, Launchpad, LaunchpadS, LaunchpadMini) }
func FuzzParseMK2(f *testing.F)      { fuzzModels(f, LaunchpadMK2) }
func FuzzParsePro(f *testing.F)      { fuzzModels(f, LaunchpadPro) }
func FuzzParseMK3(f *testing.F)      { fuzzModels(f, LaunchpadX, LaunchpadMiniMK3, LaunchpadProMK3) }

func TestParserDoesNotAllocate(t *testing.T) {
	p := NewParser(LaunchpadProMK3)
	in := []byte{0xF8, 0x90, 0x51, 0x64, 0xF0, 0x00, 0x20, 0x29, 0x02, 0x0E, 0x0E, 0x01, 0xF7, 0xA0, 0x51, 0x10, 0xB0, 0x5A, 0x7F}
	n := 0
	emit := func(Event) { n++ }
	if a := testing.AllocsPerRun(100, func() { p.Feed(in, emit) }); a != 0 {
		t.Errorf("Feed allocated %v times per call", a)
	}
	if n == 0 {
		t.Error(fmt.Sprint("no events: ", p.Stats))
	}
}

package monome_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"gridbox/grid/monome"
)

// collect parses b fed in the given chunks and returns the events.
func collect(p *monome.Parser, chunks ...[]byte) []monome.Event {
	var evs []monome.Event
	for _, c := range chunks {
		p.Feed(c, func(e monome.Event) { evs = append(evs, e) })
	}
	return evs
}

// oneByOne parses b one byte per Feed, like iotest.OneByteReader.
func oneByOne(p *monome.Parser, b []byte) []monome.Event {
	var evs []monome.Event
	for i := range b {
		p.Feed(b[i:i+1], func(e monome.Event) { evs = append(evs, e) })
	}
	return evs
}

func key(x, y int, down bool) monome.Event {
	return monome.Event{Kind: monome.KindKey, Key: monome.Key{X: x, Y: y, Down: down}}
}

func padded(s string, n int, pad byte) []byte {
	b := bytes.Repeat([]byte{pad}, n)
	copy(b, s)
	return b
}

var parserCases = []struct {
	name  string
	proto monome.Protocol
	in    []byte
	want  []monome.Event
	stats monome.Stats
}{
	{"mext key down", monome.Mext, []byte{0x21, 0x03, 0x04}, []monome.Event{key(3, 4, true)}, monome.Stats{Events: 1}},
	{"mext key up", monome.Mext, []byte{0x20, 0x0F, 0x07}, []monome.Event{key(15, 7, false)}, monome.Stats{Events: 1}},
	{"mext key at 255", monome.Mext, []byte{0x21, 0xFF, 0xFF}, []monome.Event{key(255, 255, true)}, monome.Stats{Events: 1}},
	{"mext query replies", monome.Mext, []byte{0x00, 0x01, 0x04, 0x00, 0x02, 0x04},
		[]monome.Event{{Kind: monome.KindQuery, Subsystem: monome.SubsystemLEDGrid, Count: 4},
			{Kind: monome.KindQuery, Subsystem: monome.SubsystemKeyGrid, Count: 4}}, monome.Stats{Events: 2}},
	{"mext id padded with spaces", monome.Mext, append([]byte{0x01}, padded("monome 128", 32, ' ')...),
		[]monome.Event{{Kind: monome.KindID, Text: "monome 128"}}, monome.Stats{Events: 1}},
	{"mext id padded with NULs", monome.Mext, append([]byte{0x01}, padded("m1000285", 32, 0)...),
		[]monome.Event{{Kind: monome.KindID, Text: "m1000285"}}, monome.Stats{Events: 1}},
	{"mext size", monome.Mext, []byte{0x03, 0x10, 0x08}, []monome.Event{{Kind: monome.KindSize, Cols: 16, Rows: 8}}, monome.Stats{Events: 1}},
	{"mext firmware", monome.Mext, append([]byte{0x0F}, "1.4.2   "...),
		[]monome.Event{{Kind: monome.KindFirmware, Text: "1.4.2"}}, monome.Stats{Events: 1}},
	{"mext offsets and address skipped", monome.Mext, []byte{0x02, 0x00, 0x08, 0x00, 0x04, 0x12, 0x34}, nil, monome.Stats{Ignored: 2}},
	{"mext arc skipped", monome.Mext, []byte{0x50, 0x01, 0xFE, 0x51, 0x02, 0x52, 0x03}, nil, monome.Stats{Ignored: 3}},
	{"mext tilt skipped", monome.Mext, []byte{0x80, 0x01, 0x81, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06}, nil, monome.Stats{Ignored: 2}},
	{"mext mixed stream", monome.Mext,
		[]byte{0x03, 0x08, 0x08, 0x21, 0x00, 0x00, 0x50, 0x00, 0x01, 0x20, 0x00, 0x00},
		[]monome.Event{{Kind: monome.KindSize, Cols: 8, Rows: 8}, key(0, 0, true), key(0, 0, false)},
		monome.Stats{Events: 3, Ignored: 1}},
	{"series press", monome.Series, []byte{0x00, 0x37}, []monome.Event{key(3, 7, true)}, monome.Stats{Events: 1}},
	{"series release", monome.Series, []byte{0x10, 0xF0}, []monome.Event{key(15, 0, false)}, monome.Stats{Events: 1}},
	{"series tilt and aux skipped", monome.Series, []byte{0xD0, 0x12, 0xE0, 0x34, 0x00, 0x00}, []monome.Event{key(0, 0, true)}, monome.Stats{Events: 1, Ignored: 2}},
}

func TestParserKinds(t *testing.T) {
	for _, c := range parserCases {
		p := monome.NewParser(c.proto)
		if got := collect(p, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		if got := p.Stats(); got != c.stats {
			t.Errorf("%s: stats %+v, want %+v", c.name, got, c.stats)
		}
		if p.Pending() != 0 {
			t.Errorf("%s: %d bytes pending", c.name, p.Pending())
		}
	}
}

// Every input kind, fed one byte at a time and split in two at every byte
// boundary, decodes exactly as when fed whole.
func TestParserAnyChunking(t *testing.T) {
	for _, c := range parserCases {
		if got := oneByOne(monome.NewParser(c.proto), c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s one byte at a time: got %+v, want %+v", c.name, got, c.want)
		}
		for i := range len(c.in) + 1 {
			if got := collect(monome.NewParser(c.proto), c.in[:i], c.in[i:]); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s split at %d: got %+v, want %+v", c.name, i, got, c.want)
			}
		}
	}
}

func TestParserHostile(t *testing.T) {
	ff := bytes.Repeat([]byte{0xFF}, 10000)
	cases := []struct {
		name    string
		proto   monome.Protocol
		in      []byte
		want    []monome.Event
		unknown uint64
		pending int
	}{
		// 22, 05 and 06 start nothing a grid sends: each is skipped on its
		// own, and the next byte tried as a header.
		{"mext unknown commands", monome.Mext, []byte{0x22, 0x05, 0x06, 0x21, 0x01, 0x02}, []monome.Event{key(1, 2, true)}, 3, 0},
		{"mext long run of FF", monome.Mext, append(ff, 0x21, 0x05, 0x06), []monome.Event{key(5, 6, true)}, 10000, 0},
		{"mext truncated key at EOF", monome.Mext, []byte{0x21, 0x03}, nil, 0, 2},
		{"mext truncated id at EOF", monome.Mext, append([]byte{0x01}, "m100"...), nil, 0, 5},
		{"series unknown bytes", monome.Series, []byte{0x05, 0xFF, 0x20, 0x10, 0x44}, []monome.Event{key(4, 4, false)}, 3, 0},
		{"series long run of FF", monome.Series, append(ff, 0x00, 0x12), []monome.Event{key(1, 2, true)}, 10000, 0},
		{"series truncated at EOF", monome.Series, []byte{0x00}, nil, 0, 1},
	}
	for _, c := range cases {
		p := monome.NewParser(c.proto)
		got := collect(p, c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		if s := p.Stats(); s.Unknown != c.unknown {
			t.Errorf("%s: unknown %d, want %d", c.name, s.Unknown, c.unknown)
		}
		if p.Pending() != c.pending {
			t.Errorf("%s: pending %d, want %d", c.name, p.Pending(), c.pending)
		}
		if n := p.Reset(); n != c.pending || p.Stats().Truncated != uint64(c.pending) || p.Pending() != 0 {
			t.Errorf("%s: Reset dropped %d (stats %+v), want %d", c.name, n, p.Stats(), c.pending)
		}
		// After Reset the parser starts clean: a message cut by an unplug
		// does not swallow the next session's first key.
		if got := collect(p, []byte{0x21, 0x01, 0x01}); c.proto == monome.Mext && !reflect.DeepEqual(got, []monome.Event{key(1, 1, true)}) {
			t.Errorf("%s: after Reset got %+v", c.name, got)
		}
	}
}

// Random garbage: no panic, and every byte is accounted for as unknown, part
// of a message, or pending.
func TestParserGarbage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, proto := range []monome.Protocol{monome.Mext, monome.Series} {
		for range 200 {
			b := make([]byte, r.IntN(4096))
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			p := monome.NewParser(proto)
			whole := collect(p, b)
			checkEvents(t, whole)
			if got := oneByOne(monome.NewParser(proto), b); !reflect.DeepEqual(got, whole) {
				t.Fatalf("%v: chunking changed the result", proto)
			}
		}
	}
}

// checkEvents fails on a key outside 0..255 or a kind the parser should not
// produce.
func checkEvents(t testing.TB, evs []monome.Event) {
	t.Helper()
	for _, e := range evs {
		switch e.Kind {
		case monome.KindKey:
			if e.Key.X < 0 || e.Key.X > 255 || e.Key.Y < 0 || e.Key.Y > 255 {
				t.Fatalf("key out of byte range: %+v", e)
			}
		case monome.KindQuery, monome.KindID, monome.KindSize, monome.KindFirmware:
		default:
			t.Fatalf("unexpected event %+v", e)
		}
	}
}

// norns#539: an unplugged series grid floods phantom presses at (1, 1)
// (x, y, z all 1: 00 11 over and over). The parser decodes them faithfully;
// the Filter drops the flood and says so.
func TestPhantomFlood(t *testing.T) {
	flood := bytes.Repeat([]byte{0x00, 0x11}, 500)
	p := monome.NewParser(monome.Series)
	evs := collect(p, append([]byte{0x00, 0x23}, flood...)) // a real press of (2, 3) first
	if len(evs) != 501 {
		t.Fatalf("parsed %d events, want 501", len(evs))
	}
	f := monome.Filter{Cols: 16, Rows: 16}
	kept, flooded := f.Apply(keysOf(evs))
	if !flooded || !reflect.DeepEqual(kept, []monome.Key{{X: 2, Y: 3, Down: true}}) {
		t.Errorf("kept %+v, flood %v; want only the real press, and a flood", kept, flooded)
	}
	if s := f.Stats(); s.Flooded != 500 || s.Floods != 1 {
		t.Errorf("stats %+v", s)
	}
}

func keysOf(evs []monome.Event) []monome.Key {
	var ks []monome.Key
	for _, e := range evs {
		if e.Kind == monome.KindKey {
			ks = append(ks, e.Key)
		}
	}
	return ks
}

// Reading keys allocates nothing: the parser runs on every read.
func TestFeedKeysDoesNotAllocate(t *testing.T) {
	p := monome.NewParser(monome.Mext)
	in := bytes.Repeat([]byte{0x21, 0x01, 0x02, 0x20, 0x01, 0x02}, 100)
	n := 0
	emit := func(monome.Event) { n++ }
	if a := testing.AllocsPerRun(100, func() { p.Feed(in, emit) }); a != 0 {
		t.Errorf("Feed allocated %v times per call, want 0", a)
	}
}

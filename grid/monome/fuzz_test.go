package monome_test

import (
	"bytes"
	"reflect"
	"testing"

	"gridbox/grid/monome"
)

// fuzzParse checks the parser's promises on arbitrary input: no panic; only
// keys (Down or Up, coordinates 0..255) and reply kinds; the same events
// whether fed whole or one byte at a time; and every byte accounted for.
func fuzzParse(t *testing.T, proto monome.Protocol, data []byte) {
	p := monome.NewParser(proto)
	whole := collect(p, data)
	checkEvents(t, whole)
	if got := oneByOne(monome.NewParser(proto), data); !reflect.DeepEqual(got, whole) {
		t.Fatalf("one byte at a time gave %+v, whole gave %+v", got, whole)
	}
	s := p.Stats()
	if s.Events != uint64(len(whole)) {
		t.Fatalf("Stats.Events = %d, emitted %d", s.Events, len(whole))
	}
	if s.Unknown+uint64(p.Pending()) > uint64(len(data)) {
		t.Fatalf("stats %+v pending %d exceed %d bytes", s, p.Pending(), len(data))
	}
	// The filter takes whatever the parser gives.
	var f monome.Filter
	kept, _ := f.Apply(keysOf(whole))
	for _, k := range kept {
		if k.X < 0 || k.X > 255 || k.Y < 0 || k.Y > 255 {
			t.Fatalf("filter kept %+v", k)
		}
	}
}

func FuzzParseMext(f *testing.F) {
	f.Add([]byte{0x21, 0x03, 0x04, 0x20, 0x03, 0x04})
	f.Add(append([]byte{0x01}, padded("monome 256", 32, ' ')...))
	f.Add([]byte{0x00, 0x01, 0x04, 0x03, 0x10, 0x10, 0x0F, '1', '.', '0'})
	f.Add([]byte{0x81, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x50, 0x00, 0xFF})
	f.Add(bytes.Repeat([]byte{0xFF}, 64))
	f.Add([]byte{0x21, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, monome.Mext, data) })
}

func FuzzParseSeries(f *testing.F) {
	f.Add([]byte{0x00, 0x37, 0x10, 0x37})
	f.Add(bytes.Repeat([]byte{0x00, 0x11}, 100)) // norns#539 flood
	f.Add([]byte{0xD0, 0x12, 0xE0, 0x34, 0x05})
	f.Add(bytes.Repeat([]byte{0xFF}, 64))
	f.Add([]byte{0x00})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, monome.Series, data) })
}

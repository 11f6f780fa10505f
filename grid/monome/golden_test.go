package monome_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gridbox/grid/monome"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current encoder")

// golden compares b, split into host → device messages of protocol p, with
// testdata/name.golden: upper-case hex, one message per line.
func golden(t *testing.T, name string, p monome.Protocol, b []byte) {
	t.Helper()
	msgs, err := messages(p, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var sb strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&sb, "% X\n", m)
	}
	got := sb.String()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\ngot:\n%swant:\n%s", name, path, got, want)
	}
}

// pattern is the golden test pattern: within each 8×8 quad the 64 keys count
// 0, 1, … 15, 0, … in row order, offset by the quad's index (x/8 + 2*(y/8)),
// so every level appears and each quad differs from the others.
func pattern(cols, rows int) *monome.Frame {
	f := monome.NewFrame(cols, rows)
	for y := range rows {
		for x := range cols {
			f.Set(x, y, uint8((x%8+8*(y%8)+x/8+2*(y/8))%16))
		}
	}
	return f
}

func TestGoldenHandshake(t *testing.T) {
	// libmonome mext_open: query, id, size.
	golden(t, "handshake", monome.Mext, monome.HandshakeRequest())
}

func TestGoldenFullFrames(t *testing.T) {
	// From unknown state (nil prev) every quad is sent. By hand, for the 64:
	//   1A 00 00 | 01 23 45 67 89 AB CD EF ×4
	// row 0 holds levels 0..7, so byte 0 is L0<<4 | L1 = 0x01 (first LED in
	// the high nibble, libmonome pack_nybbles; the team's protocol notes (protocols.md) §6 item 4),
	// and row 1 holds 8..15: 89 AB CD EF. For the 128, quad 1 is
	//   1A 08 00 | 12 34 56 78 9A BC DE F0 ×4
	// (levels offset by 1). The 256 is 4 × 35 = 140 bytes.
	var e monome.Encoder
	for _, m := range []monome.Model{monome.Model64, monome.Model128, monome.Model256} {
		b := e.Encode(nil, pattern(m.Size()))
		quads := map[monome.Model]int{monome.Model64: 1, monome.Model128: 2, monome.Model256: 4}[m]
		if len(b) != 35*quads {
			t.Errorf("%v: %d bytes, want %d", m, len(b), 35*quads)
		}
		golden(t, "frame_"+strings.TrimPrefix(m.String(), "monome-"), monome.Mext, b)
	}
	if b := e.Encode(nil, pattern(8, 8)); b[0] != 0x1A || b[1] != 0 || b[2] != 0 || b[3] != 0x01 || b[7] != 0x89 {
		t.Errorf("level map 64 starts % X, want 1A 00 00 01 23 45 67 89", b[:8])
	}
}

func TestGoldenIncremental(t *testing.T) {
	// One key changed in quad 3 of a 256: only 1A 08 08 is sent. Key (9, 10)
	// is index 8*2+1 = 17 in that quad, the low nibble of data byte 8, which
	// held levels 16%16, 17%16 offset by 3: 3, 4 → 0x34, and becomes 0x3F.
	prev := pattern(16, 16)
	next := prev.Clone()
	next.Set(9, 10, 15)
	var e monome.Encoder
	b := e.Encode(prev, next)
	if len(b) != 35 || b[0] != 0x1A || b[1] != 8 || b[2] != 8 || b[3+8] != 0x3F {
		t.Errorf("incremental frame % X", b)
	}
	golden(t, "frame_256_incremental", monome.Mext, b)
	if b := e.Encode(next, next); len(b) != 0 {
		t.Errorf("unchanged frame sent % X", b)
	}
}

func TestGoldenVariants(t *testing.T) {
	// Mono mext (14 x y d0..d7): a level ≥ 8 is on. Quad 0 row 0 holds levels
	// 0..7 (all off: 00), row 1 holds 8..15 (all on: FF). Quad 1 row 0 holds
	// 1..8: only x = 7 is on, bit 7: 80; row 1 holds 9..15, 0: 7F.
	mono := monome.Encoder{Brightness: monome.Mono}
	b := mono.Encode(nil, pattern(16, 8))
	if string(b[:11]) != "\x14\x00\x00\x00\xFF\x00\xFF\x00\xFF\x00\xFF" || b[14] != 0x80 || b[15] != 0x7F {
		t.Errorf("mono 128 % X", b)
	}
	golden(t, "frame_128_mono", monome.Mext, b)

	// Series (8q d0..d7): the same bits, quadrant in the header: 80, 81.
	series := monome.Encoder{Protocol: monome.Series}
	b = series.Encode(nil, pattern(16, 8))
	if len(b) != 18 || b[0] != 0x80 || b[2] != 0xFF || b[9] != 0x81 || b[10] != 0x80 {
		t.Errorf("series 128 % X", b)
	}
	golden(t, "frame_128_series", monome.Series, b)
	golden(t, "frame_256_series", monome.Series, series.Encode(nil, pattern(16, 16)))

	// Four levels: 0 → 0, 1..5 → 4, 6..10 → 8, 11..15 → 12. Row 0 (0..7)
	// becomes 0 4 4 4 4 4 8 8: 04 44 44 88.
	four := monome.Encoder{Brightness: monome.Levels4}
	b = four.Encode(nil, pattern(8, 8))
	if b[3] != 0x04 || b[4] != 0x44 || b[5] != 0x44 || b[6] != 0x88 {
		t.Errorf("levels4 64 % X", b)
	}
	golden(t, "frame_64_levels4", monome.Mext, b)
}

func TestGoldenMessages(t *testing.T) {
	rows := [8]byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80}
	var levels [64]uint8
	for i := range levels {
		levels[i] = uint8(i % 16)
	}
	row := [8]uint8{15, 0, 1, 2, 3, 4, 5, 6}
	var b []byte
	b = monome.AppendLEDOff(b, 3, 4)
	b = monome.AppendLEDOn(b, 3, 4)
	b = monome.AppendAllOff(b)
	b = monome.AppendAllOn(b)
	b = monome.AppendMap(b, 8, 0, &rows)
	b = monome.AppendRow(b, 0, 5, 0x81)
	b = monome.AppendCol(b, 2, 8, 0x0F)
	b = monome.AppendIntensity(b, 12)
	b = monome.AppendLevel(b, 15, 7, 9)
	b = monome.AppendLevelAll(b, 0) // 19 00: the clear serialosc sends
	b = monome.AppendLevelMap(b, 0, 8, &levels)
	b = monome.AppendLevelRow(b, 8, 3, &row) // 1B 08 03 F0 12 34 56: 7 bytes
	b = monome.AppendLevelCol(b, 1, 0, &row)
	golden(t, "messages_mext", monome.Mext, b)

	b = nil
	b = monome.AppendSeriesLED(b, 3, 4, true)   // 20 34
	b = monome.AppendSeriesLED(b, 15, 0, false) // 30 F0
	b = monome.AppendSeriesFrame(b, 3, &rows)
	b = monome.AppendSeriesClear(b, false)
	b = monome.AppendSeriesClear(b, true)
	b = monome.AppendSeriesIntensity(b, 7)
	golden(t, "messages_series", monome.Series, b)
}

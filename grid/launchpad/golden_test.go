package launchpad

import (
	"bytes"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.hex from the current encoder")

// hexLines renders messages one per line as upper-case hex bytes.
func hexLines(msgs [][]byte) string {
	var sb strings.Builder
	for _, m := range msgs {
		sb.WriteString(strings.ToUpper(hex.EncodeToString(m)))
		sb.WriteByte('\n')
	}
	// Space the bytes: "F0 00 20 …".
	var out strings.Builder
	for _, line := range strings.SplitAfter(sb.String(), "\n") {
		l := strings.TrimSuffix(line, "\n")
		for i := 0; i < len(l); i += 2 {
			if i > 0 {
				out.WriteByte(' ')
			}
			out.WriteString(l[i : i+2])
		}
		if strings.HasSuffix(line, "\n") {
			out.WriteByte('\n')
		}
	}
	return out.String()
}

func golden(t *testing.T, name string, msgs [][]byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".hex")
	got := hexLines(msgs)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
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
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}

// testPattern lights every LED of m with a colour of its own, a few of them
// flashing or pulsing (in colours the red/green models can show) and one
// off.
func testPattern(m Model) *Frame {
	f := NewFrame(m)
	for i, b := range m.LEDs() {
		c := Color{uint8(37*i + 11*(b.X+1)), uint8(255 - 23*i), uint8(91 * (b.Y + 2))}
		f.Set(b, Light{Color: c})
	}
	f.Set(Button{0, 0}, Light{Color{255, 0, 0}, Flash})
	f.Set(Button{1, 1}, Light{Color{0, 255, 0}, Pulse})
	f.Set(Button{3, -1}, Light{Color{255, 160, 0}, Flash})
	f.Set(Button{8, 2}, Light{Color{255, 255, 0}, Pulse})
	f.Set(Button{7, 7}, Light{})
	return f
}

// testChange is testPattern with three LEDs changed: a pad to white, the
// flashing top-left pad to off, a scene button to flashing red.
func testChange(m Model) *Frame {
	f := *testPattern(m)
	f.Set(Button{3, 3}, Light{Color: Color{255, 255, 255}})
	f.Set(Button{0, 0}, Light{})
	f.Set(Button{8, 5}, Light{Color{255, 0, 0}, Flash})
	return &f
}

func TestGolden(t *testing.T) {
	for _, m := range Models {
		t.Run(m.String(), func(t *testing.T) {
			e := NewEncoder(m)
			full := e.Encode(nil, testPattern(m))
			incr := e.Encode(testPattern(m), testChange(m))
			golden(t, m.String()+"-enter", EnterMessages(m))
			golden(t, m.String()+"-exit", ExitMessages(m))
			golden(t, m.String()+"-full", full)
			golden(t, m.String()+"-incr", incr)
			if len(e.Encode(testPattern(m), testPattern(m))) != 0 {
				t.Error("an unchanged frame produced messages")
			}
		})
	}
}

// TestGoldenHandChecked checks a few golden bytes against protocols.md by
// hand, so the golden files are not merely frozen output.
func TestGoldenHandChecked(t *testing.T) {
	first := func(msgs [][]byte) []byte { return msgs[0] }
	cases := []struct {
		name      string
		got, want []byte
	}{
		// §2.4: Programmer mode is SX0C(0E 01).
		{"X enter", first(EnterMessages(LaunchpadX)), []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0C, 0x0E, 0x01, 0xF7}},
		// §2.5: Mini MK3 id 0D; §2.6: Pro MK3 id 0E; Live mode 0E 00 on exit.
		{"Mini MK3 enter", first(EnterMessages(LaunchpadMiniMK3)), []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0D, 0x0E, 0x01, 0xF7}},
		{"Pro MK3 exit last", ExitMessages(LaunchpadProMK3)[1], []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0E, 0x0E, 0x00, 0xF7}},
		// §2.2: Session layout SX18(22 00).
		{"MK2 enter", first(EnterMessages(LaunchpadMK2)), []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x22, 0x00, 0xF7}},
		// §2.3: griode sends exactly F0 00 20 29 02 10 2C 03 F7.
		{"Pro enter 2", EnterMessages(LaunchpadPro)[1], []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x10, 0x2C, 0x03, 0xF7}},
		// §2.1: B0 00 00 resets.
		{"S exit", first(ExitMessages(LaunchpadS)), []byte{0xB0, 0x00, 0x00}},
	}
	for _, c := range cases {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("%s: got % X, want % X", c.name, c.got, c.want)
		}
	}

	// X: the top-left pad is note 81 (51h); the first spec of a full frame
	// paints it, flashing red: 01 51 <palette 5 = FF 00 00> 00 (off).
	x := NewEncoder(LaunchpadX).Encode(nil, testPattern(LaunchpadX))
	if len(x) != 1 {
		t.Fatalf("X full frame: %d messages, want 1 SysEx", len(x))
	}
	// LED order is top row first: 91..98 then the logo 99, then row 81.
	// The first spec is CC 91 (5Bh), the top-left round button.
	if !bytes.HasPrefix(x[0], []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0C, 0x03, 0x03, 0x5B}) {
		t.Errorf("X full frame starts % X", x[0][:9])
	}
	if !bytes.Contains(x[0], []byte{0x01, 0x51, 0x05, 0x00}) {
		t.Error("X full frame lacks flash spec 01 51 05 00 for the top-left pad")
	}
	// 81 LEDs: 2 flash specs (4 bytes), 2 pulse (3), 1 off (3), 76 RGB (5): 8+6+3+380 bytes of specs.
	if n := len(x[0]); n != 7+1+8+6+3+76*5 {
		t.Errorf("X full frame is %d bytes", n)
	}

	// Red/green: a full frame is B0 00 28, B0 01 00 and 40 rapid messages.
	rg := NewEncoder(Launchpad).Encode(nil, testPattern(Launchpad))
	if len(rg) != 42 || !bytes.Equal(rg[1], []byte{0xB0, 0x01, 0x00}) || rg[2][0] != 0x92 {
		t.Errorf("red/green full frame: %d messages, starting % X", len(rg), rg[:3])
	}
	// The first rapid pair is pads (0,0) flashing red = R3 + flag 08 = 0B,
	// then (1,0).
	if rg[2][1] != 0x0B {
		t.Errorf("red/green (0,0) flashing red: velocity %02X, want 0B", rg[2][1])
	}
	// Incremental: (3,3) white = note 16·3+3 = 33h, 16·3+3+0C = 3F; (0,0)
	// off = 0C; scene (8,5) = note 58h flashing red = 0B.
	inc := NewEncoder(Launchpad).Encode(testPattern(Launchpad), testChange(Launchpad))
	want := [][]byte{{0x90, 0x00, 0x0C}, {0x90, 0x33, 0x3F}, {0x90, 0x58, 0x0B}}
	if hexLines(inc) != hexLines(want) {
		t.Errorf("red/green incremental:\n%s\nwant\n%s", hexLines(inc), hexLines(want))
	}
}

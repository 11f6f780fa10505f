package launchpad

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// demoText is what gridbox scrolls at start: the address to reach it and
// the set it has loaded.
const demoText = "192.168.1.23 Demo set"

// TestGoldenText freezes each model's text messages in testdata: the demo
// text once in a sky blue, a looping text in orange, and the stop message.
// Models that cannot scroll text have no messages at all.
func TestGoldenText(t *testing.T) {
	sky, orange := Color{R: 40, G: 170, B: 255}, Color{R: 255, G: 120}
	for _, m := range Models {
		t.Run(m.String(), func(t *testing.T) {
			msgs := [][]byte{
				TextMessage(m, demoText, sky, false),
				TextMessage(m, "Loop", orange, true),
				StopTextMessage(m),
			}
			if !m.ScrollsText() {
				for i, msg := range msgs {
					if msg != nil {
						t.Errorf("message %d: % X from a model that cannot scroll text", i, msg)
					}
				}
				return
			}
			golden(t, m.String()+"-text", msgs)
		})
	}
}

// TestTextHandChecked checks text messages byte by byte against the
// layouts in the package documentation (Programmer's References: MK2 and
// S "Hello world" examples, X "Miscellaneous surface control").
func TestTextHandChecked(t *testing.T) {
	red, green := Color{R: 255}, Color{G: 255}
	cases := []struct {
		name      string
		got, want []byte
	}{
		// MK2 [doc]: 14 <colour> <loop> <text>, speed commands in the text;
		// red is palette 5, then the default speed 4.
		{"MK2 Hello loop", TextMessage(LaunchpadMK2, "Hello", red, true),
			[]byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x14, 0x05, 0x01, 0x04, 'H', 'e', 'l', 'l', 'o', 0xF7}},
		// Pro: the same layout under id 10.
		{"Pro Hi", TextMessage(LaunchpadPro, "Hi", red, false),
			[]byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x10, 0x14, 0x05, 0x00, 0x04, 'H', 'i', 0xF7}},
		// S [doc]: the manual's looping green text starts F0 00 20 29 09 7C:
		// green 3 with flags 0C is 3C, plus 40h to loop.
		{"S Hello loop green", TextMessage(LaunchpadS, "Hello", green, true),
			[]byte{0xF0, 0x00, 0x20, 0x29, 0x09, 0x7C, 0x04, 'H', 'e', 'l', 'l', 'o', 0xF7}},
		// X [doc]: 07 <loop> <speed> <colour spec> <text>; 10 pads/s, RGB spec
		// 01 7F 00 00.
		{"X Hello World", TextMessage(LaunchpadX, "Hello World", red, false),
			append([]byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0C, 0x07, 0x00, 0x0A, 0x01, 0x7F, 0x00, 0x00}, append([]byte("Hello World"), 0xF7)...)},
		{"Mini MK3 A", TextMessage(LaunchpadMiniMK3, "A", green, true),
			[]byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0D, 0x07, 0x01, 0x0A, 0x01, 0x00, 0x7F, 0x00, 'A', 0xF7}},
		// Black would scroll invisibly: white (amber on the S) instead.
		{"MK2 black", TextMessage(LaunchpadMK2, "A", Color{}, false),
			[]byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x14, 0x03, 0x00, 0x04, 'A', 0xF7}},
		{"X black", TextMessage(LaunchpadX, "A", Color{}, false),
			[]byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0C, 0x07, 0x00, 0x0A, 0x01, 0x7F, 0x7F, 0x7F, 'A', 0xF7}},
		{"S blue", TextMessage(LaunchpadS, "A", Color{B: 255}, false),
			[]byte{0xF0, 0x00, 0x20, 0x29, 0x09, 0x3F, 0x04, 'A', 0xF7}},
		// Stop: the MK2 and X messages with nothing after the command [doc];
		// the S's F0 00 20 29 09 00 F7 [code].
		{"MK2 stop", StopTextMessage(LaunchpadMK2), []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x14, 0xF7}},
		{"Pro stop", StopTextMessage(LaunchpadPro), []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x10, 0x14, 0xF7}},
		{"X stop", StopTextMessage(LaunchpadX), []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0C, 0x07, 0xF7}},
		{"Mini MK3 stop", StopTextMessage(LaunchpadMiniMK3), []byte{0xF0, 0x00, 0x20, 0x29, 0x02, 0x0D, 0x07, 0xF7}},
		{"S stop", StopTextMessage(LaunchpadS), []byte{0xF0, 0x00, 0x20, 0x29, 0x09, 0x00, 0xF7}},
	}
	for _, c := range cases {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("%s:\n got % X\nwant % X", c.name, c.got, c.want)
		}
	}
	for _, m := range []Model{0, Launchpad, LaunchpadMini, LaunchpadProMK3, LaunchpadProMK3 + 1} {
		if msg := TextMessage(m, "A", red, false); msg != nil {
			t.Errorf("%v: text message % X", m, msg)
		}
		if msg := StopTextMessage(m); msg != nil {
			t.Errorf("%v: stop message % X", m, msg)
		}
		if m.ScrollsText() || m.ReportsTextEnd() || m.MaxText() != 0 || TextDuration(m, "A") != 0 {
			t.Errorf("%v claims to scroll text", m)
		}
	}
	for _, m := range []Model{LaunchpadS, LaunchpadMK2, LaunchpadX} {
		if msg := TextMessage(m, "", red, false); msg != nil {
			t.Errorf("%v: empty text gives % X, want nil (an empty message would stop a text)", m, msg)
		}
	}
}

func TestTextBytes(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{demoText, 64, demoText},
		{"Ünïcode ✓", 64, "?n?code ?"},
		{"tab\there\nnl\x7fdel", 64, "tab?here?nl?del"},
		{"\x01\x02\x07speed", 64, "???speed"}, // never a speed command from the caller
		{"bad \xff\xfe utf8", 64, "bad ?? utf8"},
		{"~ !", 64, "~ !"},
		{strings.Repeat("a", 100), 64, strings.Repeat("a", 64)},
		{strings.Repeat("é", 100), 30, strings.Repeat("?", 30)},
		{"", 64, ""},
	}
	for _, c := range cases {
		if got := string(textBytes(c.in, c.max)); got != c.want {
			t.Errorf("textBytes(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
	if n := len(TextMessage(LaunchpadS, strings.Repeat("x", 99), Color{R: 255}, false)); n != 7+30+1 {
		t.Errorf("S text message of 99 characters is %d bytes, want 30 characters kept", n)
	}
	if n := len(TextMessage(LaunchpadX, strings.Repeat("x", 99), Color{R: 255}, false)); n != 13+64+1 {
		t.Errorf("X text message of 99 characters is %d bytes, want 64 characters kept", n)
	}
}

func TestTextDuration(t *testing.T) {
	// (21 characters × 8 columns + 10) × 150 ms + 1 s, and × 100 ms + 1 s.
	if got, want := TextDuration(LaunchpadMK2, demoText), 27700*time.Millisecond; got != want {
		t.Errorf("MK2 demo text: %v, want %v", got, want)
	}
	if got, want := TextDuration(LaunchpadX, demoText), 18800*time.Millisecond; got != want {
		t.Errorf("X demo text: %v, want %v", got, want)
	}
	for _, m := range Models {
		if !m.ScrollsText() {
			continue
		}
		if TextDuration(m, "") != 0 {
			t.Errorf("%v: empty text takes time", m)
		}
		short, long := TextDuration(m, "a"), TextDuration(m, strings.Repeat("a", 40))
		if short <= time.Second || long <= short {
			t.Errorf("%v: one character %v, forty %v", m, short, long)
		}
		// At least as long as the fastest plausible scroll: glyphs 5 columns
		// wide with no spacing at 10 columns a second, 8 columns of surface.
		if min := time.Duration(40*5+8) * 100 * time.Millisecond; long < min {
			t.Errorf("%v: forty characters %v, less than %v", m, long, min)
		}
		// Text past the limit is cut, and so is the estimate.
		if TextDuration(m, strings.Repeat("a", 200)) != TextDuration(m, strings.Repeat("a", m.MaxText())) {
			t.Errorf("%v: estimate counts characters that are cut", m)
		}
	}
}

package launchpad

import (
	"bytes"
	"testing"
)

func TestModelNames(t *testing.T) {
	names := []string{"launchpad", "launchpad-s", "launchpad-mini", "launchpad-mk2", "launchpad-pro", "launchpad-x", "launchpad-mini-mk3", "launchpad-pro-mk3"}
	for i, m := range Models {
		if m.String() != names[i] {
			t.Errorf("%d: String %q, want %q", i, m, names[i])
		}
		if got, err := ParseModel(names[i]); err != nil || got != m {
			t.Errorf("ParseModel(%q) = %v, %v", names[i], got, err)
		}
	}
	if _, err := ParseModel("launchpad-xl"); err == nil {
		t.Error("ParseModel accepted launchpad-xl")
	}
	if Model(0).Valid() || Model(99).Buttons() != nil || EnterMessages(0) != nil {
		t.Error("invalid models must be inert")
	}
	caps := map[Model]ColorCapability{Launchpad: RedGreen, LaunchpadMini: RedGreen, LaunchpadMK2: RGB64, LaunchpadPro: RGB64, LaunchpadX: RGB128, LaunchpadProMK3: RGB128}
	for m, c := range caps {
		if m.Colors() != c {
			t.Errorf("%v colours %v, want %v", m, m.Colors(), c)
		}
	}
	for m, v := range map[Model]bool{LaunchpadS: false, LaunchpadMK2: false, LaunchpadPro: true, LaunchpadX: true, LaunchpadMiniMK3: false, LaunchpadProMK3: true} {
		if m.VelocitySensitive() != v {
			t.Errorf("%v velocity-sensitive %v", m, !v)
		}
	}
	if LaunchpadS.Pulses() || !LaunchpadS.Flashes() || !LaunchpadMK2.Pulses() {
		t.Error("flash/pulse capabilities")
	}
	if !LaunchpadX.HasLED(Logo) || LaunchpadX.HasButton(Logo) || LaunchpadMK2.HasLED(Logo) || !LaunchpadProMK3.HasButton(Button{-1, -1}) || LaunchpadPro.HasButton(Button{-1, -1}) {
		t.Error("logo/shift membership")
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name    string
		m       Model
		control bool
	}{
		{"Launchpad Mini MK3 MIDI 2", LaunchpadMiniMK3, true},
		{"Launchpad Mini MK3 MIDI 1", LaunchpadMiniMK3, false},
		{"Launchpad Mini MK3 LPMiniMK3 MI", LaunchpadMiniMK3, true},
		{"Launchpad Mini MK3 LPMiniMK3 DA", LaunchpadMiniMK3, false},
		{"Launchpad Mini MK3:Launchpad Mini MK3 LPMiniMK3 MI 36:1", LaunchpadMiniMK3, true},
		{"Launchpad Mini MK3:Launchpad Mini MK3 LPMiniMK3 DA 36:0", LaunchpadMiniMK3, false},
		{"Launchpad Mini:Launchpad Mini MIDI 1 20:0", LaunchpadMini, true},
		{"Launchpad Mini MIDI 1", LaunchpadMini, true},
		{"Launchpad MIDI 1", Launchpad, true},
		{"Launchpad S MIDI 1", LaunchpadS, true},
		{"Launchpad S:Launchpad S MIDI 1 24:0", LaunchpadS, true},
		{"Launchpad MK2 MIDI 1", LaunchpadMK2, true},
		{"Launchpad MK2:Launchpad MK2 MIDI 1 28:0", LaunchpadMK2, true},
		{"Launchpad Pro MIDI 2", LaunchpadPro, true},
		{"Launchpad Pro MIDI 1", LaunchpadPro, false},
		{"Launchpad Pro Standalone Port", LaunchpadPro, true},
		{"Launchpad Pro Live Port", LaunchpadPro, false},
		{"Launchpad Pro MIDI Port", LaunchpadPro, false},
		{"Launchpad Pro:Launchpad Pro Standalone Port 20:1", LaunchpadPro, true},
		{"Launchpad X LPX MIDI", LaunchpadX, true},
		{"Launchpad X LPX DAW", LaunchpadX, false},
		{"Launchpad X:Launchpad X LPX MIDI 24:1", LaunchpadX, true},
		{"Launchpad X MIDI 2", LaunchpadX, true},
		{"Launchpad X MIDI 1", LaunchpadX, false},
		{"Launchpad Pro MK3 LPProMK3 MIDI", LaunchpadProMK3, true},
		{"Launchpad Pro MK3 LPProMK3 DIN", LaunchpadProMK3, false},
		{"Launchpad Pro MK3 LPProMK3 DAW", LaunchpadProMK3, false},
		{"Launchpad Pro MK3 MIDI 1", LaunchpadProMK3, true},
		{"Launchpad Pro MK3 MIDI 3", LaunchpadProMK3, false},
		{"Launchpad Pro MK3:Launchpad Pro MK3 LPProMK3 MIDI 32:0", LaunchpadProMK3, true},
		{"Launchpad X", LaunchpadX, false}, // no port suffix: fall back to PortIndex
	}
	for _, c := range cases {
		m, ok := Detect(c.name)
		if !ok || m != c.m {
			t.Errorf("Detect(%q) = %v, %v; want %v", c.name, m, ok, c.m)
		}
		if got := IsControlPort(c.m, c.name); got != c.control {
			t.Errorf("IsControlPort(%v, %q) = %v", c.m, c.name, got)
		}
	}
	for _, name := range []string{"", "Midi Through Port-0", "Launch Control XL MIDI 1", "Launchpadx", "APC40 mkII MIDI 1"} {
		if m, ok := Detect(name); ok {
			t.Errorf("Detect(%q) = %v", name, m)
		}
	}
	// "Launchpad Xtreme" is no model we know: only the bare "Launchpad"
	// prefix matches, at a word boundary.
	if m, _ := Detect("Launchpad Xtreme"); m != Launchpad {
		t.Errorf("Detect(Launchpad Xtreme) = %v", m)
	}
	if IsControlPort(LaunchpadX, "Launchpad Mini MK3 LPMiniMK3 MI") {
		t.Error("IsControlPort accepted another model's port")
	}
	for m, i := range map[Model]int{Launchpad: 0, LaunchpadMK2: 0, LaunchpadPro: 1, LaunchpadX: 1, LaunchpadMiniMK3: 1, LaunchpadProMK3: 0, 0: -1} {
		if PortIndex(m) != i {
			t.Errorf("PortIndex(%v) = %d, want %d", m, PortIndex(m), i)
		}
	}
}

func TestInquiry(t *testing.T) {
	if !bytes.Equal(InquiryRequest(), []byte{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}) {
		t.Error("InquiryRequest")
	}
	reply := func(fam0, fam1 byte, ver ...byte) []byte {
		b := []byte{0xF0, 0x7E, 0x00, 0x06, 0x02, 0x00, 0x20, 0x29, fam0, fam1, 0x00, 0x00}
		return append(append(b, ver...), 0xF7)
	}
	cases := []struct {
		msg     []byte
		family  uint16
		version string
		m       Model
	}{
		// §1.3: captured MK2 reply, F0 7E 00 06 02 00 20 29 69 00 00 00 00 01 07 01 F7.
		{reply(0x69, 0x00, 0x00, 0x01, 0x07, 0x01), 0x0069, "171", LaunchpadMK2},
		// Captured X reply: 03 01, version 00 02 03 08.
		{reply(0x03, 0x01, 0x00, 0x02, 0x03, 0x08), 0x0103, "238", LaunchpadX},
		{reply(0x13, 0x01, 0x00, 0x01, 0x03, 0x08), 0x0113, "138", LaunchpadMiniMK3},
		{reply(0x51, 0x00, 0, 0, 0, 0), 0x0051, "0", LaunchpadPro},
		{reply(0x20, 0x00, 0, 0, 0, 1), 0x0020, "1", LaunchpadS},
		{reply(0x23, 0x01, 0, 0, 0, 1), 0x0123, "1", LaunchpadProMK3},
		{reply(0x6A, 0x00, 0, 0, 0, 1), 0x006A, "1", LaunchpadMK2}, // device ID 2
	}
	for _, c := range cases {
		fam, _, ver, ok := ParseInquiryReply(c.msg)
		if !ok || fam != c.family || ver != c.version {
			t.Errorf("% X: family %04X version %q ok %v", c.msg, fam, ver, ok)
		}
		if m, ok := ModelFromInquiry(fam); !ok || m != c.m {
			t.Errorf("ModelFromInquiry(%04X) = %v, %v; want %v", fam, m, ok, c.m)
		}
		if !InquiryMatches(c.m, fam) {
			t.Errorf("InquiryMatches(%v, %04X) false", c.m, fam)
		}
	}
	// §6.1: the X and Pro MK3 manuals print 13 01.
	if !InquiryMatches(LaunchpadX, 0x0113) || !InquiryMatches(LaunchpadProMK3, 0x0113) || InquiryMatches(LaunchpadMK2, 0x0113) {
		t.Error("InquiryMatches on 0x0113")
	}
	if _, ok := ModelFromInquiry(0x1113); ok {
		t.Error("the Mini MK3 bootloader is not a model")
	}
	bad := [][]byte{
		nil,
		{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7},
		reply(0x03, 0x01, 0, 0, 0), // short
		func() []byte { b := reply(0x03, 0x01, 0, 0, 0, 1); b[6] = 0x21; return b }(), // not Novation
		func() []byte { b := reply(0x03, 0x01, 0, 0, 0, 1); b[9] = 0x81; return b }(), // status byte inside
	}
	for _, b := range bad {
		if _, _, _, ok := ParseInquiryReply(b); ok {
			t.Errorf("ParseInquiryReply(% X) ok", b)
		}
	}
}

func TestRGBToPalette(t *testing.T) {
	for c, want := range map[Color]uint8{{}: 0, {255, 0, 0}: 5, {0, 255, 0}: 21, {0, 0, 255}: 45, {255, 255, 0}: 13, {252, 252, 252}: 3, {255, 0, 255}: 53} {
		if got := RGBToPalette(c); got != want {
			t.Errorf("RGBToPalette(%v) = %d, want %d", c, got, want)
		}
	}
	for i, p := range Palette {
		if got := RGBToPalette(p); Palette[got] != p {
			t.Errorf("entry %d %v maps to %d %v", i, p, got, Palette[got])
		}
	}
}

func TestFrame(t *testing.T) {
	f := NewFrame(LaunchpadMK2)
	if f.Set(Button{-1, 0}, Light{Mode: Flash}) || f.Set(Logo, Light{}) || f.Set(Button{9, 9}, Light{}) {
		t.Error("Set accepted a position the MK2 lacks")
	}
	l := Light{Color{1, 2, 3}, Pulse}
	if !f.Set(Button{8, 7}, l) || f.Get(Button{8, 7}) != l || f.Get(Button{100, -100}) != (Light{}) {
		t.Error("Set/Get")
	}
	g := *f
	g.Fill(Light{})
	if f.Get(Button{8, 7}) != l || g.Get(Button{8, 7}) != (Light{}) {
		t.Error("a Frame copy must be independent")
	}
}

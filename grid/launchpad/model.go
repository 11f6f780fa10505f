package launchpad

import (
	"fmt"
	"strconv"
)

// A Button is a position on a Launchpad's surface. The main 8×8 grid is X
// 0..7 left to right and Y 0..7 top to bottom; the round buttons around it sit
// just outside: the right (scene) column at X = 8, the top row at Y = −1, the
// Pro models' left column at X = −1 and bottom row(s) at Y = 8 (and Y = 9 on
// the Pro MK3). The logo or side LED is (8, −1) and the Pro MK3's Shift
// button is (−1, −1). See the package doc for a picture per family.
type Button struct{ X, Y int }

func (b Button) String() string {
	return "(" + strconv.Itoa(b.X) + "," + strconv.Itoa(b.Y) + ")"
}

// Pad reports whether b is one of the 64 square pads of the main grid.
func (b Button) Pad() bool { return b.X >= 0 && b.X < 8 && b.Y >= 0 && b.Y < 8 }

// Logo is the position of the logo/side LED on the models that have one
// (Pro, X, Mini MK3, Pro MK3). It is a light, not a button.
var Logo = Button{X: 8, Y: -1}

// A Model is one Launchpad protocol variant. Models that share a protocol
// share a constant: LaunchpadMini covers the Mini MK1 and MK2.
type Model int

// The models, oldest first. The zero Model is not a model.
const (
	Launchpad        Model = iota + 1 // original (2009), red/green
	LaunchpadS                        // red/green
	LaunchpadMini                     // Mini MK1 and MK2, red/green
	LaunchpadMK2                      // RGB, 2015
	LaunchpadPro                      // Pro MK1, RGB, 2015
	LaunchpadX                        // 2019
	LaunchpadMiniMK3                  // 2019
	LaunchpadProMK3                   // 2020
)

// Models lists every model, oldest first.
var Models = []Model{Launchpad, LaunchpadS, LaunchpadMini, LaunchpadMK2, LaunchpadPro, LaunchpadX, LaunchpadMiniMK3, LaunchpadProMK3}

// ColorCapability says how a model shows colour.
type ColorCapability uint8

const (
	// RedGreen: a red and a green LED per button, each at levels 0–3.
	RedGreen ColorCapability = iota + 1
	// RGB64: the 128-colour palette, plus RGB SysEx with components 0–63.
	RGB64
	// RGB128: the 128-colour palette, plus RGB SysEx with components 0–127.
	RGB128
)

func (c ColorCapability) String() string {
	switch c {
	case RedGreen:
		return "red/green 4×4"
	case RGB64:
		return "palette+RGB 0–63"
	case RGB128:
		return "palette+RGB 0–127"
	}
	return "ColorCapability(" + strconv.Itoa(int(c)) + ")"
}

type family uint8

const (
	famRG  family = iota + 1 // original, S, Mini MK1/MK2
	famMK2                   // MK2
	famPro                   // Pro MK1
	famMK3                   // X, Mini MK3, Pro MK3
)

// slot maps a Button to an index into a 10-column × 11-row table covering
// X −1..8 and Y −1..9, the union of every model's surface.
const (
	slotCols = 10
	slotRows = 11
	numSlots = slotCols * slotRows
)

func slot(b Button) (int, bool) {
	if b.X < -1 || b.X > 8 || b.Y < -1 || b.Y > 9 {
		return 0, false
	}
	return (b.Y+1)*slotCols + b.X + 1, true
}

type modelInfo struct {
	name     string
	fam      family
	sysexID  byte // Novation model id after F0 00 20 29 02; 0 for none
	velocity bool
	colors   ColorCapability
	pulse    bool
	buttons  []Button        // every input button, rows top to bottom, left to right
	leds     []Button        // buttons plus the logo where there is one, same order
	isButton [numSlots]bool  // by slot
	isLED    [numSlots]bool  // by slot
	notes    [128]Button     // input: note number → button
	noteOK   [128]bool       //
	ccs      [128]Button     // input: CC number → button
	ccOK     [128]bool       //
	specMax  int             // MK3 family: LED specs per SysEx message
	idx      [numSlots]uint8 // LED index (note/CC number) by slot
	isCC     [numSlots]bool  // the LED is addressed by CC on channel messages
	text     textKind        // how the model scrolls text, if it can
	textEnd  bool            // the model reports the end of a text
	textMax  int             // characters per text
}

// textKind is a model's scrolling-text message (see text.go).
type textKind uint8

const (
	noText     textKind = iota
	textS               // Launchpad S: F0 00 20 29 09 <colour> <text> F7
	textLegacy          // MK2, Pro MK1: SX(14 <colour> <loop> <text>)
	textMK3             // X, Mini MK3: SX(07 <loop> <speed> <colour spec> <text>)
)

var infos [LaunchpadProMK3 + 1]*modelInfo

func init() {
	for _, m := range Models {
		infos[m] = buildInfo(m)
	}
}

func buildInfo(m Model) *modelInfo {
	in := &modelInfo{}
	var has func(b Button) bool
	logo := false
	grid := func(b Button) bool { return b.X >= 0 && b.X <= 7 && b.Y >= 0 && b.Y <= 7 }
	right := func(b Button) bool { return b.X == 8 && b.Y >= 0 && b.Y <= 7 }
	top := func(b Button) bool { return b.Y == -1 && b.X >= 0 && b.X <= 7 }
	left := func(b Button) bool { return b.X == -1 && b.Y >= 0 && b.Y <= 7 }
	bottom := func(b Button, y int) bool { return b.Y == y && b.X >= 0 && b.X <= 7 }
	std := func(b Button) bool { return grid(b) || right(b) || top(b) }
	switch m {
	case Launchpad, LaunchpadS, LaunchpadMini:
		in.fam, in.colors = famRG, RedGreen
		in.name = map[Model]string{Launchpad: "launchpad", LaunchpadS: "launchpad-s", LaunchpadMini: "launchpad-mini"}[m]
		has = std
		if m == LaunchpadS {
			in.text, in.textEnd, in.textMax = textS, true, maxTextS
		}
	case LaunchpadMK2:
		in.name, in.fam, in.sysexID, in.colors, in.pulse = "launchpad-mk2", famMK2, 0x18, RGB64, true
		has = std
		in.text, in.textEnd, in.textMax = textLegacy, true, maxText
	case LaunchpadPro:
		in.name, in.fam, in.sysexID, in.colors, in.pulse, in.velocity = "launchpad-pro", famPro, 0x10, RGB64, true, true
		has = func(b Button) bool { return std(b) || left(b) || bottom(b, 8) }
		logo = true
		in.text, in.textEnd, in.textMax = textLegacy, true, maxText
	case LaunchpadX:
		in.name, in.fam, in.sysexID, in.colors, in.pulse, in.velocity = "launchpad-x", famMK3, 0x0C, RGB128, true, true
		has, logo, in.specMax = std, true, 81
		in.text, in.textMax = textMK3, maxText
	case LaunchpadMiniMK3:
		in.name, in.fam, in.sysexID, in.colors, in.pulse = "launchpad-mini-mk3", famMK3, 0x0D, RGB128, true
		has, logo, in.specMax = std, true, 81
		in.text, in.textMax = textMK3, maxText
	case LaunchpadProMK3:
		in.name, in.fam, in.sysexID, in.colors, in.pulse, in.velocity = "launchpad-pro-mk3", famMK3, 0x0E, RGB128, true, true
		has = func(b Button) bool {
			return std(b) || left(b) || bottom(b, 8) || bottom(b, 9) || b == Button{-1, -1}
		}
		// protocols.md 2.6: a 120-spec message repainted the whole surface
		// [field]; the X's 81 is a reading of its manual, not a device limit.
		logo, in.specMax = true, 120
	}
	for y := -1; y <= 9; y++ {
		for x := -1; x <= 8; x++ {
			b := Button{x, y}
			s, _ := slot(b)
			isLogo := logo && b == Logo
			if !has(b) && !isLogo {
				continue
			}
			in.leds = append(in.leds, b)
			in.isLED[s] = true
			idx, cc := ledIndex(m, in.fam, b)
			in.idx[s], in.isCC[s] = idx, cc
			if isLogo {
				continue
			}
			in.buttons = append(in.buttons, b)
			in.isButton[s] = true
			if cc {
				in.ccs[idx], in.ccOK[idx] = b, true
			} else {
				in.notes[idx], in.noteOK[idx] = b, true
			}
		}
	}
	return in
}

// ledIndex is the note or CC number that addresses b, and whether it is a CC.
// protocols.md §0 and §2.1–2.6.
func ledIndex(m Model, f family, b Button) (uint8, bool) {
	switch f {
	case famRG:
		// X-Y layout: note 16·row + col, scene column col 8; top row CC 104+x.
		if b.Y == -1 {
			return uint8(104 + b.X), true
		}
		return uint8(16*b.Y + b.X), false
	case famMK2:
		// Session layout: notes 10·row + col from the bottom-left, the right
		// column is notes 19..89, the top row CC 104–111.
		if b.Y == -1 {
			return uint8(104 + b.X), true
		}
		return uint8(10*(8-b.Y) + b.X + 1), false
	}
	// Programmer layouts: index 10·row + col, row and col 0–9 from the
	// bottom-left; the Pro MK3's two bottom rows are 101–108 and 1–8.
	var idx int
	switch {
	case m == LaunchpadProMK3 && b.Y == 8:
		idx = 101 + b.X
	case m == LaunchpadProMK3 && b.Y == 9:
		idx = 1 + b.X
	default:
		idx = 10*(8-b.Y) + b.X + 1
	}
	return uint8(idx), !b.Pad()
}

func (m Model) info() *modelInfo {
	if m < Launchpad || m > LaunchpadProMK3 {
		return nil
	}
	return infos[m]
}

// Valid reports whether m is one of the models above.
func (m Model) Valid() bool { return m.info() != nil }

// String returns the model's script name, such as "launchpad-mini-mk3".
func (m Model) String() string {
	if in := m.info(); in != nil {
		return in.name
	}
	return "Model(" + strconv.Itoa(int(m)) + ")"
}

// ParseModel returns the model whose String is name.
func ParseModel(name string) (Model, error) {
	for _, m := range Models {
		if m.String() == name {
			return m, nil
		}
	}
	return 0, fmt.Errorf("launchpad: unknown model %q", name)
}

// Buttons returns every pad and round button of the model that sends input,
// rows top to bottom, left to right. The caller may modify the slice.
func (m Model) Buttons() []Button {
	if in := m.info(); in != nil {
		return append([]Button(nil), in.buttons...)
	}
	return nil
}

// LEDs returns every light of the model: its Buttons plus the logo/side LED
// where it has one, in the same order. A Frame holds one Light per LED.
func (m Model) LEDs() []Button {
	if in := m.info(); in != nil {
		return append([]Button(nil), in.leds...)
	}
	return nil
}

// HasButton reports whether b is a button of the model.
func (m Model) HasButton(b Button) bool {
	s, ok := slot(b)
	in := m.info()
	return ok && in != nil && in.isButton[s]
}

// HasLED reports whether b is a light of the model.
func (m Model) HasLED(b Button) bool {
	s, ok := slot(b)
	in := m.info()
	return ok && in != nil && in.isLED[s]
}

// VelocitySensitive reports whether the pads send a press velocity other
// than 127: the Pro, X and Pro MK3.
func (m Model) VelocitySensitive() bool {
	in := m.info()
	return in != nil && in.velocity
}

// Colors says how the model shows colour.
func (m Model) Colors() ColorCapability {
	if in := m.info(); in != nil {
		return in.colors
	}
	return 0
}

// Flashes reports whether the device blinks LEDs by itself. Every model
// does: the red/green family through its double-buffer flash mode, the MK2
// and later through MIDI channel 2 or SysEx. The blink rate of the RGB models
// follows MIDI clock (F8) sent to them (protocols.md §4).
func (m Model) Flashes() bool { return m.Valid() }

// ScrollsText reports whether the device can scroll a line of text across
// its pads by itself: the S, MK2, Pro, X and Mini MK3 (see TextMessage).
func (m Model) ScrollsText() bool {
	in := m.info()
	return in != nil && in.text != noText
}

// ReportsTextEnd reports whether the device tells the host when a text has
// scrolled out (the S, MK2 and Pro; see Parser.TextEnd). For the X and Mini
// MK3 only TextDuration says when a text is over.
func (m Model) ReportsTextEnd() bool {
	in := m.info()
	return in != nil && in.textEnd
}

// MaxText is how many characters of a text TextMessage keeps: 30 on the S,
// 64 on the other models that scroll text, 0 on those that do not.
func (m Model) MaxText() int {
	if in := m.info(); in != nil {
		return in.textMax
	}
	return 0
}

// Pulses reports whether the device pulses LEDs by itself (MK2 and later).
// On the red/green family the Encoder shows Pulse as Flash.
func (m Model) Pulses() bool {
	in := m.info()
	return in != nil && in.pulse
}

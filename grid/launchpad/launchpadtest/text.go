package launchpadtest

import (
	"errors"
	"fmt"
	"time"

	"gridbox/grid/launchpad"
)

// The text interpreter below is written from the scrolling-text notes in
// the launchpad package documentation, not from its encoder, like the LED
// interpreters in sim.go.

// A Text is a scrolling text as a device shows it.
type Text struct {
	Text string // the characters, speed commands left out
	// Color is the text's colour as Device.Light shows colours: red/green
	// levels times 85 on the S, the palette entry on the MK2 and Pro, the
	// RGB components scaled up from 0–127 (or the palette entry) on the X
	// and Mini MK3.
	Color launchpad.Color
	Loop  bool
	// Speed is, on the S, MK2 and Pro, the first speed command (1–7), 4
	// when the text has none; on the X and Mini MK3 the speed in pads per
	// second, negative when the text scrolls left to right.
	Speed int
}

// textEndReport is what each model sends when a text has scrolled out or
// looped; the X and Mini MK3 send nothing.
var textEndReport = map[launchpad.Model][]byte{
	launchpad.LaunchpadS:   {0xB0, 0x00, 0x03},
	launchpad.LaunchpadMK2: {0xF0, 0x00, 0x20, 0x29, 0x02, 0x18, 0x15, 0xF7},
	launchpad.LaunchpadPro: {0xF0, 0x00, 0x20, 0x29, 0x02, 0x10, 0x15, 0xF7},
}

// textState is the device's scrolling text. Guarded by Device.mu.
type textState struct {
	cur   *Text
	count int           // texts started
	dur   time.Duration // how long a text scrolls; 0: until FinishText
	gen   uint64        // counts texts and stops, so a late timer ends only its own
	timer *time.Timer
}

// Text returns the text the device is scrolling, and false when it
// scrolls none.
func (d *Device) Text() (Text, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.text.cur == nil {
		return Text{}, false
	}
	return *d.text.cur, true
}

// Texts returns how many texts the device has started to scroll.
func (d *Device) Texts() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.text.count
}

// SetTextDuration makes every text started from now on scroll for dur
// (each pass of a looping text), after which it ends as FinishText ends
// it. With dur 0, the default, a text scrolls until FinishText, a stop or
// a new text.
func (d *Device) SetTextDuration(dur time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.text.dur = dur
}

// FinishText makes the scrolling text reach its end, as if it had scrolled
// out: a text that loops starts again, any other stops; the S, MK2 and Pro
// report it to the host (B0 00 03, SX18(15), SX10(15)), the X and Mini MK3
// report nothing. It reports false, doing nothing, when no text scrolls.
func (d *Device) FinishText() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.finishText()
}

// finishText is FinishText with mu held.
func (d *Device) finishText() bool {
	if d.text.cur == nil {
		return false
	}
	if r := textEndReport[d.m]; r != nil {
		d.Send(r)
	}
	if d.text.cur.Loop {
		d.startTextTimer()
	} else {
		d.stopText()
	}
	return true
}

func (d *Device) stopText() {
	d.text.cur = nil
	d.text.gen++
	if d.text.timer != nil {
		d.text.timer.Stop()
		d.text.timer = nil
	}
}

func (d *Device) startTextTimer() {
	if d.text.timer != nil {
		d.text.timer.Stop()
		d.text.timer = nil
	}
	if d.text.dur <= 0 {
		return
	}
	gen := d.text.gen
	d.text.timer = time.AfterFunc(d.text.dur, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.text.gen == gen {
			d.finishText()
		}
	})
}

func (d *Device) startText(t Text) {
	d.stopText()
	d.text.cur = &t
	d.text.count++
	d.startTextTimer()
}

// applyText applies msg if it is the model's text message, reporting
// whether it was; err is a message the driver should never send. Call it
// with mu held.
func (d *Device) applyText(msg []byte) (bool, error) {
	switch d.m {
	case launchpad.LaunchpadS:
		if len(msg) < 7 || msg[0] != 0xF0 || msg[1] != 0x00 || msg[2] != 0x20 || msg[3] != 0x29 || msg[4] != 0x09 {
			return false, nil
		}
		return true, d.textS(msg[5 : len(msg)-1])
	case launchpad.LaunchpadMK2, launchpad.LaunchpadPro:
		id := map[launchpad.Model]byte{launchpad.LaunchpadMK2: 0x18, launchpad.LaunchpadPro: 0x10}[d.m]
		body, err := novation(id, msg)
		if err != nil || body[0] != 0x14 {
			return false, nil
		}
		return true, d.textLegacy(body[1:])
	case launchpad.LaunchpadX, launchpad.LaunchpadMiniMK3:
		id := map[launchpad.Model]byte{launchpad.LaunchpadX: 0x0C, launchpad.LaunchpadMiniMK3: 0x0D}[d.m]
		body, err := novation(id, msg)
		if err != nil || body[0] != 0x07 {
			return false, nil
		}
		return true, d.textMK3(body[1:])
	}
	return false, nil
}

// characters reads a text: speed commands 01–07 (when speeds) and
// printable ASCII. It returns the characters and the first speed command
// (0 for none).
func characters(b []byte, speeds bool) (string, int, error) {
	var s []byte
	speed := 0
	for _, c := range b {
		switch {
		case speeds && c >= 1 && c <= 7:
			if speed == 0 && len(s) == 0 {
				speed = int(c)
			}
		case c >= 0x20 && c <= 0x7E:
			s = append(s, c)
		default:
			return "", 0, fmt.Errorf("text byte %02X", c)
		}
	}
	if len(s) == 0 {
		return "", 0, errors.New("a text with no characters")
	}
	return string(s), speed, nil
}

// textS: <colour> <text>, the colour a velocity byte (bits 5–4 green, 1–0
// red) with 40h to loop; no text stops the scroll.
func (d *Device) textS(b []byte) error {
	if len(b) <= 1 {
		d.stopText()
		return nil
	}
	v := b[0]
	r, g := v&3, v>>4&3
	if r|g == 0 {
		return errors.New("text in a colour that is off")
	}
	s, speed, err := characters(b[1:], true)
	if err != nil {
		return err
	}
	if speed == 0 {
		speed = 4
	}
	d.startText(Text{Text: s, Color: launchpad.Color{R: 85 * r, G: 85 * g}, Loop: v&0x40 != 0, Speed: speed})
	return nil
}

// textLegacy: [<palette colour> <loop 0/1> <text>]; nothing stops the
// scroll.
func (d *Device) textLegacy(b []byte) error {
	if len(b) == 0 {
		d.stopText()
		return nil
	}
	if len(b) < 3 || b[1] > 1 {
		return fmt.Errorf("bad text header % X", b)
	}
	if b[0] == 0 {
		return errors.New("text in palette colour 0, off")
	}
	s, speed, err := characters(b[2:], true)
	if err != nil {
		return err
	}
	if speed == 0 {
		speed = 4
	}
	d.startText(Text{Text: s, Color: launchpad.Palette[b[0]], Loop: b[1] == 1, Speed: speed})
	return nil
}

// textMK3: [<loop> [<speed> [<colour spec> [<text>]]]], the colour spec 00
// <palette> or 01 <r g b>; nothing stops the scroll, and a message without
// text changes the scrolling text's settings.
func (d *Device) textMK3(b []byte) error {
	if len(b) == 0 {
		d.stopText()
		return nil
	}
	var t Text
	if d.text.cur != nil {
		t = *d.text.cur
	}
	if b[0] > 1 {
		return fmt.Errorf("loop byte %02X", b[0])
	}
	t.Loop, b = b[0] == 1, b[1:]
	if len(b) > 0 {
		t.Speed, b = int(b[0]), b[1:]
		if t.Speed >= 0x40 {
			t.Speed -= 0x80
		}
	}
	if len(b) > 0 {
		switch {
		case b[0] == 0 && len(b) >= 2:
			t.Color, b = launchpad.Palette[b[1]], b[2:]
		case b[0] == 1 && len(b) >= 4:
			up := func(c byte) uint8 { return uint8((int(c)*255 + 63) / 127) }
			t.Color, b = launchpad.Color{R: up(b[1]), G: up(b[2]), B: up(b[3])}, b[4:]
		default:
			return fmt.Errorf("bad colour spec % X", b)
		}
		if t.Color == (launchpad.Color{}) {
			return errors.New("text in a colour that is off")
		}
	}
	if len(b) == 0 { // new settings for the scrolling text, if any
		if d.text.cur != nil {
			*d.text.cur = t
		}
		return nil
	}
	s, _, err := characters(b, false)
	if err != nil {
		return err
	}
	t.Text = s
	d.startText(t)
	return nil
}

package launchpad

import (
	"time"
	"unicode/utf8"
)

// Scrolling text: the byte layouts, their sources and confidence tags are
// in the package documentation ("Scrolling text"). Everything here is a
// pure function of its arguments.

// Text settings.
const (
	// maxText is the characters a text keeps on the RGB models [inferred:
	// no limit is documented; a Launchpad Pro firmware rebuild holds 321
	// bytes [code]; 64 characters already take 40 s or more to scroll].
	maxText = 64
	// maxTextS is the characters a text keeps on the Launchpad S: with the
	// speed command in front, 31 bytes, the buffer size one driver reports
	// [code, single source].
	maxTextS = 30

	// textSpeed is the speed command (1 slowest … 7 fastest) the S, MK2
	// and Pro texts start with: the documented default, 4 [doc], sent so
	// that a speed left over from an earlier text cannot stretch this one.
	textSpeed = 4
	// textColumn is how long the S, MK2 and Pro take, at most, to move a
	// text by one column at speed 4 [inferred: a Launchpad Pro firmware
	// rebuild steps every 95 ms at speed 4 [code]; half as much again
	// allows for the stock firmware, which no source times].
	textColumn = 150 * time.Millisecond
	// textSpeedMK3 is the X and Mini MK3 speed in pads per second [doc:
	// the unit]; 10 is about the older models' default pace [inferred].
	textSpeedMK3 = 10
	// textCharCols bounds the columns one character takes, spacing
	// included [inferred: that firmware rebuild's glyphs are at most 5
	// columns wide, followed by 2 blank ones [code]].
	textCharCols = 8
	// textEdgeCols are the columns a text scrolls on top of its own: it
	// comes in at one edge of a surface at most 10 LEDs wide and leaves by
	// the other.
	textEdgeCols = 10
	// textMargin is added to every estimate, for the USB round trip and the
	// device starting the scroll.
	textMargin = time.Second
)

// textBytes is text as a device can scroll it: one byte per character,
// printable 7-bit ASCII (20h–7Eh) kept, every other character (control
// characters, DEL, anything non-ASCII, invalid UTF-8) replaced by '?', and
// cut to max characters. The bytes 01–07, which the S, MK2 and Pro read as
// speed commands, therefore never come from the caller.
func textBytes(text string, max int) []byte {
	out := make([]byte, 0, min(len(text), max))
	for len(text) > 0 && len(out) < max {
		r, n := utf8.DecodeRuneInString(text)
		text = text[n:]
		if r < 0x20 || r > 0x7E {
			r = '?'
		}
		out = append(out, byte(r))
	}
	return out
}

// TextMessage returns the message that makes a device of model m scroll
// text once (loop false) or until stopped (loop true) in colour c, or nil
// when m cannot scroll text or text is empty. text is cut to m.MaxText()
// characters; characters outside printable ASCII become '?'. A colour the
// device would show as off scrolls in white (amber on the S). The slice is
// fresh.
//
// Per model (package documentation, "Scrolling text"):
//   - S: F0 00 20 29 09 <velocity> 04 <text> F7, the velocity a static LED
//     of colour c takes (16·G + R + 0C), plus 40h to loop;
//   - MK2, Pro: SX18/SX10(14 <palette colour> <loop 0/1> 04 <text>);
//   - X, Mini MK3: SX0C/SX0D(07 <loop 0/1> 0A 01 <r g b 0–127> <text>):
//     10 pads per second, an RGB colour spec.
func TextMessage(m Model, text string, c Color, loop bool) []byte {
	in := m.info()
	if in == nil || in.text == noText {
		return nil
	}
	t := textBytes(text, in.textMax)
	if len(t) == 0 {
		return nil
	}
	switch in.text {
	case textS:
		return textMessageS(t, c, loop)
	case textLegacy:
		return textMessageLegacy(in.sysexID, t, c, loop)
	}
	return textMessageMK3(in.sysexID, t, c, loop)
}

// textMessageS is the Launchpad S text: F0 00 20 29 09 <colour> <text> F7,
// the colour a velocity byte with bit 6 set to loop.
func textMessageS(t []byte, c Color, loop bool) []byte {
	v := RedGreenVelocity(Light{Color: c})
	if v&0x33 == 0 { // red and green both off: the text would not show
		v = RedGreenVelocity(Light{Color: Color{R: 255, G: 255}})
	}
	if loop {
		v |= 0x40
	}
	msg := make([]byte, 0, len(t)+8)
	msg = append(msg, 0xF0, 0x00, 0x20, 0x29, 0x09, v, textSpeed)
	msg = append(msg, t...)
	return append(msg, 0xF7)
}

// textMessageLegacy is the MK2 and Pro text: SX(14 <colour> <loop> <text>).
func textMessageLegacy(id byte, t []byte, c Color, loop bool) []byte {
	p := RGBToPalette(c)
	if p == 0 {
		p = 3 // white
	}
	body := make([]byte, 0, len(t)+4)
	body = append(body, 0x14, p, boolByte(loop), textSpeed)
	return sx(id, append(body, t...)...)
}

// textMessageMK3 is the X and Mini MK3 text: SX(07 <loop> <speed> <colour
// spec> <text>), the colour spec 01 r g b.
func textMessageMK3(id byte, t []byte, c Color, loop bool) []byte {
	r, g, b := scale(c.R, 127), scale(c.G, 127), scale(c.B, 127)
	if r|g|b == 0 {
		r, g, b = 127, 127, 127
	}
	body := make([]byte, 0, len(t)+7)
	body = append(body, 0x07, boolByte(loop), textSpeedMK3, 0x01, r, g, b)
	return sx(id, append(body, t...)...)
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// StopTextMessage returns the message that ends any text a device of model
// m is scrolling, or nil when m cannot scroll text: the text message with
// nothing after its command (S: F0 00 20 29 09 00 F7; MK2, Pro: SX(14);
// X, Mini MK3: SX(07)). The slice is fresh.
func StopTextMessage(m Model) []byte {
	in := m.info()
	if in == nil {
		return nil
	}
	switch in.text {
	case textS:
		return []byte{0xF0, 0x00, 0x20, 0x29, 0x09, 0x00, 0xF7}
	case textLegacy:
		return sx(in.sysexID, 0x14)
	case textMK3:
		return sx(in.sysexID, 0x07)
	}
	return nil
}

// TextDuration is a conservative estimate of how long a device of model m
// takes to scroll the TextMessage of text once, from the message to the
// last column leaving the pads: 8 columns per character plus 10, at 150 ms
// a column (S, MK2, Pro, at speed 4) or 100 ms (X, Mini MK3, at 10 pads a
// second), plus a second; 27.7 s for the 21 characters of "192.168.1.23
// Demo set" on an MK2, 18.8 s on an X. It errs long: ending a text early
// would let LED writes reach a device still showing it. It is 0 when m
// cannot scroll text or text is empty.
func TextDuration(m Model, text string) time.Duration {
	in := m.info()
	if in == nil || in.text == noText {
		return 0
	}
	n := len(textBytes(text, in.textMax))
	if n == 0 {
		return 0
	}
	per := textColumn
	if in.text == textMK3 {
		per = time.Second / textSpeedMK3
	}
	return time.Duration(n*textCharCols+textEdgeCols)*per + textMargin
}

// isTextEnd reports whether msg, a complete SysEx from a device of model
// in, is its "text has ended or looped" report: SX18(15) from the MK2,
// SX10(15) from the Pro. The S reports with B0 00 03 instead (see
// Parser.dispatch).
func isTextEnd(in *modelInfo, msg []byte) bool {
	return in.text == textLegacy && len(msg) == 8 &&
		msg[0] == 0xF0 && msg[1] == 0x00 && msg[2] == 0x20 && msg[3] == 0x29 &&
		msg[4] == 0x02 && msg[5] == in.sysexID && msg[6] == 0x15 && msg[7] == 0xF7
}

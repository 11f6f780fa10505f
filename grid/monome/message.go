package monome

// Host → device messages. Each AppendX appends one message to dst and returns
// the extended slice, strconv.AppendInt style, so a caller can build a write
// in a reused buffer. Coordinates and levels are truncated to their wire
// widths (a byte; a level to its low 4 bits) rather than checked.

// Mext system requests (the team's protocol notes (protocols.md) §3.2).
const (
	MextQuery       byte = 0x00 // → one 00 s n per subsystem
	MextGetID       byte = 0x01 // → 01 + 32 bytes
	MextGetOffsets  byte = 0x03 // → 02 n x y per grid
	MextGetSize     byte = 0x05 // → 03 cols rows
	MextGetFirmware byte = 0x0F // → 0F + 8 bytes
)

// HandshakeRequest returns the three requests libmonome's mext_open sends to
// a new grid: query, ID, size (00 01 05). The slice is new on every call.
func HandshakeRequest() []byte {
	return []byte{MextQuery, MextGetID, MextGetSize}
}

// AppendLEDOff appends the mext 10 x y message (one LED off).
func AppendLEDOff(dst []byte, x, y int) []byte { return append(dst, 0x10, byte(x), byte(y)) }

// AppendLEDOn appends the mext 11 x y message (one LED on).
func AppendLEDOn(dst []byte, x, y int) []byte { return append(dst, 0x11, byte(x), byte(y)) }

// AppendAllOff appends the mext 12 message (all LEDs off).
func AppendAllOff(dst []byte) []byte { return append(dst, 0x12) }

// AppendAllOn appends the mext 13 message (all LEDs on).
func AppendAllOn(dst []byte) []byte { return append(dst, 0x13) }

// AppendMap appends the mext 14 x y d0..d7 on/off map of the 8×8 block at
// (x, y), which the grid floors to multiples of 8. rows[0] is the top row; bit
// i of a row is key x+i (bit 0 the leftmost).
func AppendMap(dst []byte, x, y int, rows *[8]byte) []byte {
	dst = append(dst, 0x14, byte(x), byte(y))
	return append(dst, rows[:]...)
}

// AppendRow appends the mext 15 x y d message: 8 on/off LEDs of row y from x
// (bit 0 = key x).
func AppendRow(dst []byte, x, y int, bits byte) []byte {
	return append(dst, 0x15, byte(x), byte(y), bits)
}

// AppendCol appends the mext 16 x y d message: 8 on/off LEDs of column x from
// y (bit 0 = key y, the top one).
func AppendCol(dst []byte, x, y int, bits byte) []byte {
	return append(dst, 0x16, byte(x), byte(y), bits)
}

// AppendIntensity appends the mext 17 i message (global intensity 0–15).
func AppendIntensity(dst []byte, i int) []byte { return append(dst, 0x17, byte(i)&0x0F) }

// AppendLevel appends the mext 18 x y l message (one LED to level l).
func AppendLevel(dst []byte, x, y, l int) []byte {
	return append(dst, 0x18, byte(x), byte(y), byte(l)&0x0F)
}

// AppendLevelAll appends the mext 19 l message; AppendLevelAll(dst, 0) is the
// clear serialosc sends on connect.
func AppendLevelAll(dst []byte, l int) []byte { return append(dst, 0x19, byte(l)&0x0F) }

// AppendLevelMap appends the mext 1A x y <32 bytes> level map of the 8×8 block
// at (x, y). levels[8*row+col] is the level of key (x+col, y+row). Two levels
// go in each byte, the first LED in the high nibble: byte i = levels[2i]<<4 |
// levels[2i+1], as libmonome's pack_nybbles does (the team's protocol notes (protocols.md) §6 item 4).
func AppendLevelMap(dst []byte, x, y int, levels *[64]uint8) []byte {
	dst = append(dst, 0x1A, byte(x), byte(y))
	return appendNibbles(dst, levels[:])
}

// AppendLevelRow appends the mext 1B x y <4 bytes> message: 8 levels of row y
// from x, packed like AppendLevelMap (7 bytes in all).
func AppendLevelRow(dst []byte, x, y int, levels *[8]uint8) []byte {
	dst = append(dst, 0x1B, byte(x), byte(y))
	return appendNibbles(dst, levels[:])
}

// AppendLevelCol appends the mext 1C x y <4 bytes> message: 8 levels of column
// x from y, top first, packed like AppendLevelMap.
func AppendLevelCol(dst []byte, x, y int, levels *[8]uint8) []byte {
	dst = append(dst, 0x1C, byte(x), byte(y))
	return appendNibbles(dst, levels[:])
}

func appendNibbles(dst []byte, l []uint8) []byte {
	for i := 0; i+1 < len(l); i += 2 {
		dst = append(dst, l[i]<<4|l[i+1]&0x0F)
	}
	return dst
}

// Series messages (libmonome proto/series.h); every value is one bit.

// AppendSeriesLED appends the series 20 xy (on) or 30 xy (off) message.
func AppendSeriesLED(dst []byte, x, y int, on bool) []byte {
	h := byte(0x30)
	if on {
		h = 0x20
	}
	return append(dst, h, byte(x&0x0F)<<4|byte(y&0x0F))
}

// AppendSeriesFrame appends the series 8q d0..d7 frame for quadrant q (0–3 =
// x/8 + 2*(y/8)). rows[0] is the top row and bit i is the i-th key from the
// left, as in mext maps [inferred: libmonome passes the bytes through
// unchanged at rotation 0].
func AppendSeriesFrame(dst []byte, q int, rows *[8]byte) []byte {
	dst = append(dst, 0x80|byte(q&0x03))
	return append(dst, rows[:]...)
}

// AppendSeriesClear appends the series 90 (all off) or 91 (all on) message.
func AppendSeriesClear(dst []byte, on bool) []byte {
	if on {
		return append(dst, 0x91)
	}
	return append(dst, 0x90)
}

// AppendSeriesIntensity appends the series Ai message (intensity 0–15).
func AppendSeriesIntensity(dst []byte, i int) []byte { return append(dst, 0xA0|byte(i)&0x0F) }

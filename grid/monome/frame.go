package monome

import (
	"fmt"
	"math"
)

// A Frame is the LED state of a whole grid: a level 0–15 per key, Cols×Rows
// keys. Any size from 1×1 to 256×256 works (the size reply may report odd
// ones); the encoder covers it with 8×8 quads and sends keys past the edge of
// a partial quad as 0. A Frame belongs to the LED goroutine.
type Frame struct {
	cols, rows int
	levels     []uint8 // levels[y*cols+x]
}

// NewFrame returns an all-dark frame of cols×rows keys. It panics unless both
// are in 1..256: sizes come from Model.Size or a validated size reply.
func NewFrame(cols, rows int) *Frame {
	if cols < 1 || cols > 256 || rows < 1 || rows > 256 {
		panic(fmt.Sprintf("monome: NewFrame(%d, %d): size out of range 1..256", cols, rows))
	}
	return &Frame{cols: cols, rows: rows, levels: make([]uint8, cols*rows)}
}

// Size returns the frame's columns and rows.
func (f *Frame) Size() (cols, rows int) { return f.cols, f.rows }

// Set sets key (x, y) to level, clamped to 15. Keys outside the frame are
// ignored.
func (f *Frame) Set(x, y int, level uint8) {
	if x < 0 || y < 0 || x >= f.cols || y >= f.rows {
		return
	}
	f.levels[y*f.cols+x] = min(level, 15)
}

// Level returns the level of key (x, y), or 0 outside the frame.
func (f *Frame) Level(x, y int) uint8 {
	if x < 0 || y < 0 || x >= f.cols || y >= f.rows {
		return 0
	}
	return f.levels[y*f.cols+x]
}

// Fill sets every key to level, clamped to 15.
func (f *Frame) Fill(level uint8) {
	for i := range f.levels {
		f.levels[i] = min(level, 15)
	}
}

// CopyFrom makes f equal to src, which must have the same size (it panics
// otherwise: a programmer error).
func (f *Frame) CopyFrom(src *Frame) {
	if f.cols != src.cols || f.rows != src.rows {
		panic("monome: Frame.CopyFrom: sizes differ")
	}
	copy(f.levels, src.levels)
}

// Clone returns a copy of f.
func (f *Frame) Clone() *Frame {
	g := NewFrame(f.cols, f.rows)
	copy(g.levels, f.levels)
	return g
}

// Equal reports whether f and g have the same size and levels.
func (f *Frame) Equal(g *Frame) bool {
	if f.cols != g.cols || f.rows != g.rows {
		return false
	}
	for i, l := range f.levels {
		if g.levels[i] != l {
			return false
		}
	}
	return true
}

// quad fills q with the levels of the 8×8 block whose top-left key is
// (x0, y0), mapped by b; keys past the frame's edge are 0.
func (f *Frame) quad(q *[64]uint8, x0, y0 int, b Brightness) {
	for r := range 8 {
		for c := range 8 {
			q[8*r+c] = b.Map(f.Level(x0+c, y0+r))
		}
	}
}

// Brightness is how many levels a grid can show; see the package doc for
// which models have which.
type Brightness uint8

const (
	// Levels16 grids (June 2012 on) show all 16 levels.
	Levels16 Brightness = iota
	// Levels4 grids (January 2011) show off, low, medium and high.
	Levels4
	// Mono grids (series, 40h, kits, mext monobright) show on and off.
	Mono
)

// String names b.
func (b Brightness) String() string {
	switch b {
	case Levels16:
		return "levels16"
	case Levels4:
		return "levels4"
	case Mono:
		return "mono"
	}
	return fmt.Sprintf("Brightness(%d)", uint8(b))
}

// Map returns the level to send for level l (clamped to 15) on a grid of
// brightness b.
//   - Levels16: l.
//   - Levels4: 0 stays 0; 1–5 → 4 (low), 6–10 → 8 (medium), 11–15 → 12
//     (high). The grid itself shows 0–3 as off, so sending l unchanged would
//     hide dim keys: any lit key stays visible.
//   - Mono: 15 if l ≥ 8, else 0 (libmonome monobright.c: on when > 7).
func (b Brightness) Map(l uint8) uint8 {
	l = min(l, 15)
	switch b {
	case Levels4:
		if l == 0 {
			return 0
		}
		return 4 * ((l + 4) / 5)
	case Mono:
		if l >= 8 {
			return 15
		}
		return 0
	}
	return l
}

// An Encoder turns frames into the bytes that make a grid show them. Its
// fields say what the grid is; the zero value encodes mext level maps for a
// 16-level grid. A Series encoder always encodes one-bit frames.
type Encoder struct {
	Protocol   Protocol
	Brightness Brightness
}

// Encode is Append(nil, prev, next).
func (e *Encoder) Encode(prev, next *Frame) []byte { return e.Append(nil, prev, next) }

// Append appends to dst the messages that take a grid showing prev to showing
// next, and returns the extended slice. It sends one message per 8×8 quad that
// changed, as norns's refresh does with its dirty quads (quads in row order:
// (0,0), (8,0), (0,8), (8,8), …):
//   - Mext, Levels16 or Levels4: 1A x y + 32 bytes (35 bytes per quad; a full
//     256 is 4×35 = 140 bytes).
//   - Mext, Mono: 14 x y + 8 row bytes (11 bytes per quad).
//   - Series: 8q + 8 row bytes (9 bytes per quad); only quadrants 0–3 exist.
//
// A nil prev, or one of another size, means the device's state is unknown
// (after a replug): every quad is sent. Quads are compared after
// Brightness.Map, so a change the grid cannot show sends nothing.
func (e *Encoder) Append(dst []byte, prev, next *Frame) []byte {
	b := e.Brightness
	if e.Protocol == Series {
		b = Mono
	}
	if prev != nil && (prev.cols != next.cols || prev.rows != next.rows) {
		prev = nil
	}
	var nq, pq [64]uint8
	for y0 := 0; y0 < next.rows; y0 += 8 {
		for x0 := 0; x0 < next.cols; x0 += 8 {
			if e.Protocol == Series && (x0 >= 16 || y0 >= 16) {
				continue
			}
			next.quad(&nq, x0, y0, b)
			if prev != nil {
				prev.quad(&pq, x0, y0, b)
				if pq == nq {
					continue
				}
			}
			switch {
			case e.Protocol == Series:
				rows := bits(&nq)
				dst = AppendSeriesFrame(dst, x0/8+2*(y0/8), &rows)
			case b == Mono:
				rows := bits(&nq)
				dst = AppendMap(dst, x0, y0, &rows)
			default:
				dst = AppendLevelMap(dst, x0, y0, &nq)
			}
		}
	}
	return dst
}

// bits packs 64 mapped levels into 8 row bytes, bit c of row r set when key
// (c, r) is lit.
func bits(q *[64]uint8) (rows [8]byte) {
	for r := range 8 {
		for c := range 8 {
			if q[8*r+c] != 0 {
				rows[r] |= 1 << c
			}
		}
	}
	return rows
}

// LevelOf returns the monome level 0–15 for an sRGB colour: track colours
// become brightness levels on a grid. It uses perceptual lightness (CIE L* of
// the colour's relative luminance, Rec. 709 weights on linearised sRGB), so
// pure blue, dark as it looks, still gets 5 and pure green 13. Black is 0,
// white 15, and any other colour at least 1, so a coloured pad is never dark.
func LevelOf(r, g, b uint8) uint8 {
	if r == 0 && g == 0 && b == 0 {
		return 0
	}
	y := 0.2126*linear(r) + 0.7152*linear(g) + 0.0722*linear(b)
	var l float64 // CIE L*, 0..100
	if y > 216.0/24389 {
		l = 116*math.Cbrt(y) - 16
	} else {
		l = y * 24389 / 27
	}
	return uint8(max(1, min(15, math.Round(l*15/100))))
}

func linear(c uint8) float64 {
	v := float64(c) / 255
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

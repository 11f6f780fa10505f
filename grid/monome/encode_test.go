package monome_test

import (
	"math/rand/v2"
	"testing"

	"gridbox/grid/monome"
)

func randomFrame(r *rand.Rand, cols, rows int) *monome.Frame {
	f := monome.NewFrame(cols, rows)
	for y := range rows {
		for x := range cols {
			f.Set(x, y, uint8(r.IntN(16)))
		}
	}
	return f
}

// Round trip: a grid model showing prev (or anything, when prev is nil) shows
// next, as the grid's brightness can show it, after applying the encoded
// bytes; and an encoding of next against itself is empty.
func TestEncodeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	sizes := [][2]int{{8, 8}, {16, 8}, {16, 16}, {5, 3}, {12, 20}, {1, 1}, {64, 8}}
	encoders := []monome.Encoder{
		{Protocol: monome.Mext, Brightness: monome.Levels16},
		{Protocol: monome.Mext, Brightness: monome.Levels4},
		{Protocol: monome.Mext, Brightness: monome.Mono},
		{Protocol: monome.Series},
	}
	for i := range 200 {
		e := encoders[i%len(encoders)]
		sz := sizes[r.IntN(len(sizes))]
		if e.Protocol == monome.Series {
			sz = [][2]int{{8, 8}, {16, 8}, {16, 16}}[r.IntN(3)] // series grids stop at 16×16
		}
		cols, rows := sz[0], sz[1]
		b := e.Brightness
		if e.Protocol == monome.Series {
			b = monome.Mono
		}
		g := modelGrid(t, e.Protocol, cols, rows)
		var prev *monome.Frame
		if r.IntN(4) == 0 {
			// Unknown state after a replug: the grid shows garbage.
			for x := range cols {
				for y := range rows {
					g.SetLevel(x, y, uint8(r.IntN(16)))
				}
			}
		} else {
			prev = randomFrame(r, cols, rows)
			for y := range rows {
				for x := range cols {
					g.SetLevel(x, y, b.Map(prev.Level(x, y)))
				}
			}
		}
		next := prev
		if next == nil || r.IntN(8) != 0 {
			next = randomFrame(r, cols, rows)
		}
		if prev != nil && r.IntN(2) == 0 {
			// Sparse change: a few keys, so most quads stay clean.
			next = prev.Clone()
			for range 1 + r.IntN(3) {
				next.Set(r.IntN(cols), r.IntN(rows), uint8(r.IntN(16)))
			}
		}
		bytes := e.Encode(prev, next)
		if err := apply(g, bytes); err != nil {
			t.Fatalf("iteration %d (%+v %dx%d): %v", i, e, cols, rows, err)
		}
		for y := range rows {
			for x := range cols {
				if got, want := g.Level(x, y), b.Map(next.Level(x, y)); got != want {
					t.Fatalf("iteration %d (%+v %dx%d, prev nil %v): key (%d,%d) shows %d, want %d",
						i, e, cols, rows, prev == nil, x, y, got, want)
				}
			}
		}
		if again := e.Encode(next, next); len(again) != 0 {
			t.Fatalf("iteration %d: re-encoding an unchanged frame sent % X", i, again)
		}
	}
}

// A change smaller than the grid can show sends nothing.
func TestEncodeComparesMappedLevels(t *testing.T) {
	prev := monome.NewFrame(16, 8)
	next := prev.Clone()
	next.Set(3, 3, 7) // below the monobright threshold
	if b := (&monome.Encoder{Brightness: monome.Mono}).Encode(prev, next); len(b) != 0 {
		t.Errorf("mono sent % X for an invisible change", b)
	}
	if b := (&monome.Encoder{}).Encode(prev, next); len(b) != 35 {
		t.Errorf("levels16 sent %d bytes, want one quad (35)", len(b))
	}
	// A prev of another size means unknown state: everything is sent.
	if b := (&monome.Encoder{}).Encode(monome.NewFrame(8, 8), next); len(b) != 70 {
		t.Errorf("size change sent %d bytes, want 70", len(b))
	}
}

// The LED goroutine appends into a reused buffer without allocating.
func TestEncoderAppendDoesNotAllocate(t *testing.T) {
	e := monome.Encoder{}
	prev, next := pattern(16, 16), monome.NewFrame(16, 16)
	buf := make([]byte, 0, 140)
	if a := testing.AllocsPerRun(100, func() { buf = e.Append(buf[:0], prev, next) }); a != 0 {
		t.Errorf("Append allocated %v times per call, want 0", a)
	}
}

func TestFrame(t *testing.T) {
	f := monome.NewFrame(16, 8)
	f.Set(15, 7, 200) // clamped
	f.Set(16, 0, 5)   // outside: ignored
	f.Set(-1, 0, 5)
	if f.Level(15, 7) != 15 || f.Level(16, 0) != 0 || f.Level(-1, 0) != 0 {
		t.Errorf("levels %d %d", f.Level(15, 7), f.Level(16, 0))
	}
	g := f.Clone()
	if !g.Equal(f) {
		t.Error("clone differs")
	}
	g.Fill(3)
	if g.Equal(f) || g.Level(0, 0) != 3 {
		t.Error("Fill")
	}
	g.CopyFrom(f)
	if !g.Equal(f) || g.Equal(monome.NewFrame(8, 8)) {
		t.Error("CopyFrom / Equal")
	}
	for _, bad := range [][2]int{{0, 8}, {8, 0}, {257, 1}, {1, 257}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewFrame(%d, %d) did not panic", bad[0], bad[1])
				}
			}()
			monome.NewFrame(bad[0], bad[1])
		}()
	}
}

func TestBrightnessMap(t *testing.T) {
	want := map[monome.Brightness][16]uint8{
		monome.Levels16: {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		monome.Levels4:  {0, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 12, 12, 12, 12, 12},
		monome.Mono:     {0, 0, 0, 0, 0, 0, 0, 0, 15, 15, 15, 15, 15, 15, 15, 15},
	}
	for b, w := range want {
		for l := range uint8(16) {
			if got := b.Map(l); got != w[l] {
				t.Errorf("%v.Map(%d) = %d, want %d", b, l, got, w[l])
			}
		}
	}
}

func TestLevelOf(t *testing.T) {
	cases := []struct {
		r, g, b uint8
		want    uint8
	}{
		{0, 0, 0, 0},
		{255, 255, 255, 15},
		{0, 0, 255, 5},  // blue looks dark, but stays visible
		{255, 0, 0, 8},  // red
		{0, 255, 0, 13}, // green looks bright
		{1, 0, 0, 1},    // any colour is at least 1
		{128, 128, 128, 8},
	}
	for _, c := range cases {
		if got := monome.LevelOf(c.r, c.g, c.b); got != c.want {
			t.Errorf("LevelOf(%d, %d, %d) = %d, want %d", c.r, c.g, c.b, got, c.want)
		}
	}
	// Monotonic in grey.
	last := uint8(0)
	for v := range 256 {
		l := monome.LevelOf(uint8(v), uint8(v), uint8(v))
		if l < last || l > 15 {
			t.Fatalf("grey %d → %d after %d", v, l, last)
		}
		last = l
	}
}

package midiclock

import (
	"fmt"
	"math"
	"testing"
)

const rate = 48000

type frame int64
type beats float64

// tempoMap is a test grid: bpm[i] from beat at[i] on (at[0] = 0), frames
// rounded to the nearest.
type tempoMap struct {
	at  []float64
	bpm []float64
}

func (m *tempoMap) frameF(b float64) float64 {
	var f float64
	for i := range m.at {
		end := math.Inf(1)
		if i+1 < len(m.at) {
			end = m.at[i+1]
		}
		if b <= m.at[i] {
			break
		}
		f += (math.Min(b, end) - m.at[i]) * 60 * rate / m.bpm[i]
	}
	return f
}

func (m *tempoMap) Frame(b beats) frame { return frame(math.Round(m.frameF(float64(b)))) }

func (m *tempoMap) Beat(f frame) beats {
	var at float64
	for i := range m.at {
		end := math.Inf(1)
		if i+1 < len(m.at) {
			end = m.frameF(m.at[i+1])
		}
		if float64(f) < end || i+1 == len(m.at) {
			return beats(m.at[i] + (float64(f)-at)*m.bpm[i]/(60*rate))
		}
		at = end
	}
	return 0
}

// collect runs o over [0, n) in blocks of size block.
func collect(o *Out, n, block int64) []Message {
	var ms []Message
	for f := int64(0); f < n; f += block {
		ms = o.Due(f, min(f+block, n), ms)
	}
	return ms
}

func ticksOf(ms []Message) []int64 {
	var fs []int64
	for _, m := range ms {
		if m.Len == 1 && m.Data[0] == Clock {
			fs = append(fs, m.Frame)
		}
	}
	return fs
}

// TestOutTicksOnBeatGrid: an F8 at every 24th of a beat, at the frame of
// that beat (computed here from the tempo, not from the grid), none
// missing or doubled, at block sizes 64, 128 and 333.
func TestOutTicksOnBeatGrid(t *testing.T) {
	cases := []struct {
		name string
		m    *tempoMap
		want func(k int) int64
	}{
		{"120", &tempoMap{[]float64{0}, []float64{120}}, func(k int) int64 { return int64(k) * 1000 }},
		{"97.3", &tempoMap{[]float64{0}, []float64{97.3}}, func(k int) int64 {
			return int64(math.Round(float64(k) / 24 * 60 * rate / 97.3))
		}},
		{"120to97.3at4.5", &tempoMap{[]float64{0, 4.5}, []float64{120, 97.3}}, func(k int) int64 {
			b := float64(k) / 24
			if b <= 4.5 {
				return int64(math.Round(b * 24000))
			}
			return int64(math.Round(4.5*24000 + (b-4.5)*60*rate/97.3))
		}},
	}
	for _, c := range cases {
		for _, block := range []int64{64, 128, 333} {
			t.Run(fmt.Sprintf("%s/%d", c.name, block), func(t *testing.T) {
				o := NewOut(GridOf[frame, beats](c.m))
				got := ticksOf(collect(o, 10*rate, block))
				for k := 0; ; k++ {
					w := c.want(k)
					if w >= 10*rate {
						if len(got) != k {
							t.Fatalf("%d ticks in 10 s, want %d", len(got), k)
						}
						break
					}
					if k >= len(got) || got[k] != w {
						t.Fatalf("tick %d at %v, want frame %d", k, got[min(k, len(got)-1)], w)
					}
				}
			})
		}
	}
}

// TestOutTempoChangeBetweenCalls: a tempo change planned while ticks run
// moves the ticks after it and sends none twice or backwards.
func TestOutTempoChangeBetweenCalls(t *testing.T) {
	m := &tempoMap{[]float64{0}, []float64{120}}
	o := NewOut(GridOf[frame, beats](m))
	ms := collect(o, 48000, 333) // 2 beats
	m.at, m.bpm = []float64{0, 2}, []float64{120, 140}
	for f := int64(48000); f < 96000; f += 333 {
		ms = o.Due(f, f+333, ms)
	}
	got := ticksOf(ms)
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("tick %d at %d after %d", i, got[i], got[i-1])
		}
	}
	if got[48] != 48000 || got[49] != 48000+int64(math.Round(60.0*rate/140/24)) {
		t.Fatalf("ticks 48, 49 at %d, %d", got[48], got[49])
	}
}

// TestOutTransport: FA, FC, F2+FB at their frames, before the F8 of the
// same frame.
func TestOutTransport(t *testing.T) {
	o := NewOut(GridOf[frame, beats](&tempoMap{[]float64{0}, []float64{120}}))
	o.Start(1)           // frame 24000
	o.Stop(50500)        // between ticks
	o.Continue(3, 5.375) // frame 72000, song position 21.5 sixteenths → 21
	var got []string
	for _, m := range collect(o, 80000, 128) {
		if m.Data[0] != Clock || m.Frame%24000 == 0 {
			got = append(got, fmt.Sprintf("%d:% X", m.Frame, m.Bytes()))
		}
	}
	want := fmt.Sprint([]string{"0:F8", "24000:FA", "24000:F8", "48000:F8", "50500:FC",
		"72000:F2 15 00", "72000:FB", "72000:F8"})
	if fmt.Sprint(got) != want {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if !o.Running() {
		t.Fatal("not running after Continue")
	}
}

func TestSPPBytes(t *testing.T) {
	for _, c := range []struct {
		pos  float64
		want string
	}{
		{0, "F2 00 00"}, {0.25, "F2 01 00"}, {31.75, "F2 7F 00"}, {32, "F2 00 01"},
		{1000, "F2 20 1F"}, {4095.75, "F2 7F 7F"}, {5000, "F2 7F 7F"}, {-3, "F2 00 00"},
		{0.2 + 0.05, "F2 01 00"},
	} {
		if got := fmt.Sprintf("% X", SPP(0, c.pos).Bytes()); got != c.want {
			t.Errorf("SPP(%v) = %s, want %s", c.pos, got, c.want)
		}
	}
}

type stalled struct{}

func (stalled) Beat(int64) float64  { return 0 }
func (stalled) Frame(float64) int64 { return 5 }

// TestOutStalledGrid: a grid that breaks its contract (every beat at one
// frame) gives one tick, not a hang.
func TestOutStalledGrid(t *testing.T) {
	o := NewOut(stalled{})
	if got := ticksOf(collect(o, 1000, 64)); len(got) != 1 || got[0] != 5 {
		t.Fatalf("ticks %v", got)
	}
}

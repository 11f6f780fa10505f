package midiclock

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzFollower feeds arbitrary streams: each 3 bytes of data are a frame
// step (int16, negative: frames going back) and a byte. The follower never
// panics, and its tempo stays finite within MinBPM..MaxBPM, its beat
// finite, whatever comes.
func FuzzFollower(f *testing.F) {
	tick := func(step int16, b byte) []byte {
		return append(binary.LittleEndian.AppendUint16(nil, uint16(step)), b)
	}
	var steady, transport []byte
	steady = append(steady, tick(0, Start)...)
	for range 100 {
		steady = append(steady, tick(1000, Clock)...)
	}
	transport = append(transport, steady...)
	for _, b := range []byte{Stop, SongPos, 0x7F, Clock, 0x7F, Continue, Clock, Clock, 0xF0, 0x12, 0xF7, Stop} {
		transport = append(transport, tick(3, b)...)
	}
	f.Add(steady)
	f.Add(transport)
	f.Add(append(tick(0x7FFF, Clock), tick(-0x8000, Clock)...))
	f.Add([]byte{0, 0, 0xF8, 1, 0, 0xF8, 2, 0, 0xF8, 0xFF, 0x7F, 0xF8})
	f.Fuzz(func(t *testing.T, data []byte) {
		fl := NewFollower(rate)
		at := int64(0)
		check := func() {
			if bpm := fl.Tempo(); !(bpm >= MinBPM && bpm <= MaxBPM) {
				t.Fatalf("tempo %v", bpm)
			}
			for _, f := range []int64{at, at + 12345} {
				if b := fl.Beat(f); math.IsNaN(b) || math.IsInf(b, 0) {
					t.Fatalf("beat %v at %d", b, f)
				}
			}
			if s := fl.Steer(at, 0); !(s >= MinBPM && s <= MaxBPM) {
				t.Fatalf("steer %v", s)
			}
		}
		for len(data) >= 3 {
			step := int64(int16(binary.LittleEndian.Uint16(data)))
			// large steps: scale the low bits up so hours pass in a few bytes
			if step > 0x4000 {
				step = (step - 0x4000) * 997
			}
			at += step
			fl.Feed(at, data[2])
			fl.Poll(at)
			check()
			data = data[3:]
		}
	})
}

// FuzzOut: Due over any grid-valid tempo and block sizes sends ticks in
// frame order, never twice, within the range asked.
func FuzzOut(f *testing.F) {
	f.Add(120.0, 97.3, 3.0, uint16(64))
	f.Add(999.0, 20.0, 0.01, uint16(1))
	f.Fuzz(func(t *testing.T, a, b, at float64, block uint16) {
		if !(a >= MinBPM && a <= MaxBPM && b >= MinBPM && b <= MaxBPM && at >= 0 && at < 100) || block == 0 {
			t.Skip()
		}
		o := NewOut(GridOf[frame, beats](&tempoMap{[]float64{0, at}, []float64{a, b}}))
		o.Start(at)
		last, lastTick := int64(-1), int64(-1)
		for from := int64(0); from < 2*rate; from += int64(block) {
			to := from + int64(block)
			for _, m := range o.Due(from, to, nil) {
				if m.Frame < from || m.Frame >= to || m.Frame < last {
					t.Fatalf("message %+v in [%d, %d) after %d", m, from, to, last)
				}
				if m.Data[0] == Clock {
					if m.Frame == lastTick {
						t.Fatalf("two ticks at %d", lastTick)
					}
					lastTick = m.Frame
				}
				last = m.Frame
			}
		}
	})
}

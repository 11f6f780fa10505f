package sequencer

import (
	"fmt"
	"slices"
	"testing"

	"gridbox/audio"
	"gridbox/engine"
)

// takeStore is a TakeBuffers for tests: it stages the player's bank with
// zeroed (or copied) buffers added, and keeps what it was told.
type takeStore struct {
	p     *engine.Player
	bank  *engine.Bank
	reqs  []TakeRequest
	ended []string
}

func (ts *takeStore) NewTakes(reqs []TakeRequest) ([]TakeSample, error) {
	b := &engine.Bank{Samples: append([]*audio.Buffer(nil), ts.bank.Samples...), Instruments: ts.bank.Instruments}
	var out []TakeSample
	for _, q := range reqs {
		ts.reqs = append(ts.reqs, q)
		buf := &audio.Buffer{Rate: rate, Channels: q.Channels, Data: make([]float32, q.Frames*q.Channels)}
		if q.From >= 0 {
			from := b.Samples[q.From]
			buf.Channels = from.Channels
			buf.Data = append([]float32(nil), from.Floats()...)
		}
		b.Samples = append(b.Samples, buf)
		out = append(out, TakeSample{Sample: int32(len(b.Samples) - 1), Source: fmt.Sprint("take", len(b.Samples)-1)})
	}
	if err := ts.p.StageBank(b); err != nil {
		return nil, err
	}
	ts.bank = b
	return out, nil
}

func (ts *takeStore) Overdubbable(int32) bool { return true }

func (ts *takeStore) TakeEnded(tag int32, x int, end engine.Frame, cause TakeCause) {
	ts.ended = append(ts.ended, fmt.Sprintf("track %d ends at %d (%d)", x, end, cause))
}

// inputRamp is the test input: every sample a different value.
func inputRamp(k int64) float32 { return float32(k%1000003+1) / 1048576 }

// audioRig returns a rig whose one track records input channel 1 (mono),
// with the engine fed inputRamp delayed by nothing (the input's frame k
// is what the engine plays at frame k), its latency set to lat frames.
func audioRig(t *testing.T, block int, lat int64, rs RecordSettings) (*rig, *takeStore) {
	t.Helper()
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Record: rs,
		Scenes: []Scene{{}, {}},
		Tracks: []Track{{Name: "gtr", Gain: 1, Instrument: -1, Input: Input{First: 0, Channels: 1}, Monitor: MonitorOff, OverdubLevel: 1, Clips: make([]*Clip, 2)}}}
	bank := &engine.Bank{}
	cfg := engine.DefaultConfig(rate, 1)
	cfg.Inputs = 1
	p, err := engine.New(cfg, bank)
	if err != nil {
		t.Fatal(err)
	}
	p.SetInputLatency(lat)
	tp := &tap{p: p}
	g := &rig{t: t, s: NewSession(sg, tp, rate), p: p, tap: tp, block: block}
	store := &takeStore{p: p, bank: bank}
	g.s.SetTakeBuffers(store)
	in := make([]float32, 0, 1024)
	g.feed = func(pos engine.Frame, n int) {
		in = in[:0]
		for k := range n {
			in = append(in, inputRamp(int64(pos)+int64(k)))
		}
		if got := p.Input().WriteInput(in); got != n {
			t.Fatalf("WriteInput took %d of %d frames", got, n)
		}
		p.Capture().Drain(func(engine.Chunk) {}) // the show's writer, which writes them to disk
	}
	return g, store
}

// TestRecordAudioLoop: Record at beat 1.3 with a 1-bar count-in and a
// fixed length of 1 bar records the input from beat 8 to beat 12 into
// the track's first slot, the clip there from the start; at beat 12 it
// loops: its first pass is the input from beat 8's frame on (plus the
// latency compensated), exactly, and so is its second after the loop's
// crossfade. At block sizes 64, 128 and 333, with latency 0 and 100.
func TestRecordAudioLoop(t *testing.T) {
	for _, lat := range []int64{0, 100} {
		for _, block := range blocks {
			g, store := audioRig(t, block, lat, RecordSettings{CountIn: 4, Length: 4})
			g.at(beats(1.3), func(s *Session, at engine.Frame) { s.Record(0, 0, at) })
			g.at(beats(9), func(s *Session, at engine.Frame) {
				if c := s.Clip(0, 0); c == nil || c.Sample < 0 || c.Length != 4 {
					t.Errorf("lat %d block %d: while recording, slot 0 holds %+v, want the take's clip", lat, block, c)
				}
			})
			out := g.run(beats(20))
			what := fmt.Sprintf("lat %d block %d", lat, block)
			c := g.s.Clip(0, 0)
			if c == nil || c.Length != 4 || !c.Loop || c.Sample < 0 {
				t.Fatalf("%s: slot 0 holds %+v, want a 1-bar looping take", what, c)
			}
			if len(store.ended) != 1 {
				t.Errorf("%s: takes ended: %v, want one", what, store.ended)
			}
			start, bar := beats(8), beats(4)
			fade := int(takeFade * rate)
			for f := range int(bar) {
				want := inputRamp(int64(start) + int64(f) + lat)
				for pass := range 2 {
					if pass == 1 && f < fade {
						continue // the loop's crossfade
					}
					at := int(beats(12)) + pass*int(bar) + f
					if got := out[2*at]; got != want || out[2*at+1] != want {
						t.Fatalf("%s: pass %d frame %d of the loop (output frame %d) = %v, want the input's frame %d (%v)", what, pass, f, at, got, int64(start)+int64(f)+lat, want)
					}
				}
			}
			// Nothing before the loop: the track plays nothing (monitor off).
			for f := range int(beats(12)) {
				if out[2*f] != 0 {
					t.Fatalf("%s: frame %d = %v before the loop, want silence", what, f, out[2*f])
				}
			}
		}
	}
}

// TestRecordAfterClear: Record on a track whose loop was cleared but
// still plays to its quantized stop records a new take (nothing left to
// overdub), into the emptied slot.
func TestRecordAfterClear(t *testing.T) {
	g, store := audioRig(t, 128, 0, RecordSettings{Length: 4})
	g.s.song.Quantize = 16
	g.at(beats(1), func(s *Session, at engine.Frame) { s.Record(0, 0, at) }) // beats 4..8, loops from 8
	g.at(beats(9), func(s *Session, at engine.Frame) { s.Clear(0, 0, at) })  // stops at beat 16
	g.at(beats(9.5), func(s *Session, at engine.Frame) { s.Record(0, 0, at) })
	g.run(beats(24))
	if len(store.reqs) != 2 || store.reqs[1].From >= 0 || store.reqs[1].Scene != 0 {
		t.Fatalf("take requests %+v, want a new take into slot 0 after the clear", store.reqs)
	}
	if c := g.s.Clip(0, 0); c == nil || c.Sample != 1 {
		t.Errorf("slot 0 holds %+v, want the second take", c)
	}
}

// TestRecordAudioUndo: undo takes a recorded take back out of its slot,
// redo puts it back.
func TestRecordAudioUndo(t *testing.T) {
	g, _ := audioRig(t, 128, 0, RecordSettings{Length: 4})
	g.at(beats(1), func(s *Session, at engine.Frame) { s.Record(0, 0, at) })
	g.at(beats(14), func(s *Session, at engine.Frame) {
		if !s.Undo(at) || s.Clip(0, 0) != nil {
			t.Errorf("undo: slot 0 holds %v", s.Clip(0, 0))
		}
		if !s.Redo(at) || s.Clip(0, 0) == nil {
			t.Errorf("redo: slot 0 is empty")
		}
	})
	g.run(beats(16))
}

// TestRecordAudioOverdub: Record on the track while its recorded loop
// plays overdubs it: from the bar line after the press the input is added
// to the loop's copy (what was there times OverdubLevel) and heard from the
// loop's next pass: the pass it is played in still plays the loop as it
// was. The overdub ends after the fixed length (a bar); undo brings the
// loop before it back at its next start.
func TestRecordAudioOverdub(t *testing.T) {
	for _, block := range blocks {
		g, store := audioRig(t, block, 0, RecordSettings{Length: 4})
		g.s.song.Tracks[0].OverdubLevel = 0.5
		g.at(beats(1), func(s *Session, at engine.Frame) { s.Record(0, 0, at) }) // beats 4..8, loops from 8
		g.at(beats(9), func(s *Session, at engine.Frame) { s.Record(0, 0, at) }) // overdubs beats 12..16
		g.at(beats(21), func(s *Session, at engine.Frame) {
			if !s.Undo(at) {
				t.Errorf("block %d: nothing to undo", block)
			}
		})
		out := g.run(beats(32))
		what := fmt.Sprintf("block %d", block)
		if len(store.reqs) != 2 || store.reqs[1].From < 0 {
			t.Fatalf("%s: take requests %+v, want a take and an overdub of it", what, store.reqs)
		}
		bar, fade := int(beats(4)), int(takeFade*rate)
		first := func(f int) float32 { return inputRamp(int64(beats(4)) + int64(f)) }
		// Each pass from after the loop's crossfade at its start to before
		// the fade out of a clip switching buffers at its end (the
		// overdub's start, the undo).
		for f := fade; f < bar-fade; f++ {
			dub := first(f)*0.5 + inputRamp(int64(beats(12))+int64(f))
			for _, c := range []struct {
				pass int // the bar the loop plays in, from beat 8
				want float32
			}{{1, first(f)}, {2, dub}, {3, dub}, {4, first(f)}, {5, first(f)}} {
				at := int(beats(8)) + c.pass*bar + f
				if got := out[2*at]; got != c.want {
					t.Fatalf("%s: pass %d frame %d = %v, want %v", what, c.pass, f, got, c.want)
				}
			}
		}
	}
}

// TestMonitorAuto: with monitor "auto" the track's input is heard while it
// is armed or records, and not otherwise; "in" always, "off" never.
func TestMonitorAuto(t *testing.T) {
	monitors := func(g *rig) []string {
		var got []string
		for _, c := range g.tap.cmds {
			if c.Op == engine.Monitor {
				got = append(got, fmt.Sprintf("%d:%d", c.At/engine.Frame(beats(1)), c.Vel))
			}
		}
		return got
	}
	g, _ := audioRig(t, 128, 0, RecordSettings{Length: 4})
	g.s.song.Tracks[0].Monitor = MonitorAuto
	g.at(beats(1), func(s *Session, at engine.Frame) { s.SetMix(0, Mix{Volume: 1, Arm: true}, at) })
	g.at(beats(2), func(s *Session, at engine.Frame) { s.SetMix(0, Mix{Volume: 1}, at) })
	g.at(beats(3), func(s *Session, at engine.Frame) { s.Record(0, 0, at) }) // counts in from beat 3, records beats 4..8
	g.run(beats(12))
	if got, want := monitors(g), []string{"1:1", "2:0", "3:1", "8:0"}; !slices.Equal(got, want) {
		t.Errorf("auto: monitoring (beat:channels) %v, want %v", got, want)
	}
	for _, m := range []Monitoring{MonitorIn, MonitorOff} {
		g, _ := audioRig(t, 128, 0, RecordSettings{Length: 4})
		g.s.song.Tracks[0].Monitor = m
		g.s.monitor(0) // as SetTakeBuffers does
		g.at(beats(1), func(s *Session, at engine.Frame) { s.SetMix(0, Mix{Volume: 1, Arm: true}, at) })
		g.at(beats(3), func(s *Session, at engine.Frame) { s.Record(0, 0, at) })
		g.run(beats(12))
		want := []string{"0:1"}
		if m == MonitorOff {
			want = nil
		}
		if got := monitors(g); !slices.Equal(got, want) {
			t.Errorf("monitor %d: monitoring %v, want %v", m, got, want)
		}
	}
}

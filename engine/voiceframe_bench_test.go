package engine_test

// The render core's cost per voice-frame, for `make bench` (scripts/bench
// prints these figures beside FluidSynth's). Only the engine's public API is
// used, so the figures follow whatever the realtime files become.
//
// A benchmark compares outputs before it compares times: each case first
// renders a stretch of audio and checks it, sample by sample, against a
// reference computed here in float64 straight from the documented behaviour
// (unity gain, loops, linear interpolation, linear stop fades); only then is
// it timed, on the same player, from where the check left off.

import (
	"fmt"
	"math"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/engine"

	"gridbox/internal/cputime"
)

const (
	vfRate  = 48000
	vfBlock = 128  // frames per Render, gridbox's default block
	vfMax   = 256  // the most voices a case plays
	vfTol   = 1e-5 // float32 rounding of 256-voice sums; a missing voice or a one-frame slip is 10× more
	vfKey   = 60   // every zone's root key
	vfFifth = 7    // semitones up and down for pitched voices
)

// vfCounts are the voice counts measured.
var vfCounts = []int{64, vfMax}

// BenchmarkVoiceFrame reports ns per voice-frame (one voice rendering one
// output frame) at 48 kHz in 128-frame blocks, for 64 and 256 voices of 16-bit
// stereo samples spread over 16 tracks:
//
//   - plain: looping audio clips at natural speed;
//   - pitched: notes through an instrument zone, half 7 semitones up, half 7
//     down (linear interpolation), each replayed as it ends so that the
//     count stays constant;
//   - fading: clip voices in a stop fade: every FadeTime, each voice's clip is
//     launched and stopped at once, so each voice-frame is faded and each
//     voice start and stop (one per FadeTime) is part of the cost.
//
// Each case reports wall time per voice-frame (ns/voice-frame) and the
// process's CPU time per voice-frame (cpu-ns/voice-frame), which other load
// on a shared machine inflates less and which make bench sets beside
// FluidSynth's CPU time. The timed loop includes the session side's Send and PollEvent for the
// commands and events it causes, as in play.
func BenchmarkVoiceFrame(b *testing.B) {
	bank := vfBank(vfMax)
	for _, kind := range []string{"plain", "pitched", "fading"} {
		for _, n := range vfCounts {
			var f *vfFixture
			b.Run(fmt.Sprintf("%s/voices=%d", kind, n), func(b *testing.B) {
				if f == nil { // once per case: the benchmark calls this with growing b.N
					f = newVFFixture(b, bank, kind, n)
					f.check(b)
				}
				out := make([]float32, 2*vfBlock)
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cputime.Self()
				for range b.N {
					f.feed(b)
					f.p.Render(out)
					f.drainEvents()
				}
				b.StopTimer()
				cpu = cputime.Self() - cpu
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(ns/float64(n*vfBlock), "ns/voice-frame")
				if cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n*vfBlock), "cpu-ns/voice-frame")
				}
				b.ReportMetric(100*ns/(float64(vfBlock)/vfRate*1e9), "%deadline")
				f.checkStats(b)
			})
		}
	}
}

// vfLen is the length in frames of sample i: 1 to 1.5 s, different for
// every voice so that loop wraps and note ends spread out.
func vfLen(i int) int { return vfRate + 97*i }

// vfBank holds voices stereo 16-bit samples, sample i a sine of a whole
// number of cycles in vfLen(i) on each channel (a seamless loop), at 0.9 of
// full scale, and for each voice count n up to voices, instruments
// vfInstrument(i, n) playing sample i from key vfKey at gain 1/n.
func vfBank(voices int) *engine.Bank {
	bank := &engine.Bank{}
	for i := range voices {
		n := vfLen(i)
		kl, kr := 50+(7*i)%250, 53+(11*i)%250 // cycles per loop: about 50..300 Hz
		s := &audio.Buffer{Rate: vfRate, Channels: 2, PCM16: make([]int16, 2*n)}
		for j := range n {
			s.PCM16[2*j] = int16(math.Round(0.9 * 32767 * math.Sin(2*math.Pi*float64(kl*j)/float64(n))))
			s.PCM16[2*j+1] = int16(math.Round(0.9 * 32767 * math.Sin(2*math.Pi*float64(kr*j)/float64(n)+1)))
		}
		bank.Samples = append(bank.Samples, s)
	}
	for _, n := range vfCounts {
		if n > voices {
			break
		}
		for i := range n {
			bank.Instruments = append(bank.Instruments, engine.Instrument{Zones: []engine.Zone{
				{Low: 0, High: 127, Root: vfKey, Sample: int32(i), Gain: 1 / float32(n)},
			}})
		}
	}
	return bank
}

// vfInstrument is the index in vfBank of the instrument that plays sample i
// at gain 1/n.
func vfInstrument(i, n int) int32 {
	base := 0
	for _, m := range vfCounts {
		if m == n {
			return int32(base + i)
		}
		base += m
	}
	panic("no instruments for that voice count")
}

// vfFixture is one case: a player and the control side that feeds it.
type vfFixture struct {
	kind string
	n    int
	bank *engine.Bank
	p    *engine.Player
	gain float32 // per clip voice: 1/n, so n voices at 0.9 never reach the limiter

	// pitched: voice i starts at start[i] and again every period[i] frames.
	start, period []int
	next          []engine.Frame // next note-on not yet sent
	// fading: a cycle of launches and stops every fade frames.
	fade      int
	nextCycle engine.Frame
}

func newVFFixture(b testing.TB, bank *engine.Bank, kind string, n int) *vfFixture {
	cfg := engine.DefaultConfig(vfRate, 16)
	cfg.Voices = 2 * n // room for a note that starts as its predecessor ends; steals would spoil the figure
	p, err := engine.New(cfg, bank)
	if err != nil {
		b.Fatal(err)
	}
	f := &vfFixture{kind: kind, n: n, bank: bank, p: p, gain: 1 / float32(n)}
	switch kind {
	case "plain":
		for i := range n {
			f.send(b, engine.Command{Op: engine.PlayClip, Sample: int32(i), Clip: int32(i), Track: int16(i % 16),
				Gain: f.gain, Loop: true, LoopLen: engine.LoopFrames(float64(vfLen(i)))})
		}
	case "pitched":
		f.start, f.period, f.next = make([]int, n), make([]int, n), make([]engine.Frame, n)
		minPeriod := math.MaxInt
		for i := range n {
			// A one-shot note lasts while frame pos+1 of the sample exists:
			// about (len-1)/ratio frames. The next note starts on the last
			// whole frame of that, so the count never dips.
			f.period[i] = int(float64(vfLen(i)-1) / vfRatio(i))
			minPeriod = min(minPeriod, f.period[i])
		}
		for i := range n { // stagger the starts so the replays spread over time
			f.start[i] = i * minPeriod / n
			f.next[i] = engine.Frame(f.start[i])
		}
	case "fading":
		f.fade = int(int64(vfRate) * int64(engine.FadeTime) / int64(time.Second))
	default:
		b.Fatalf("unknown case %q", kind)
	}
	return f
}

// vfRatio is the playback speed of pitched voice i: a fifth up or down.
func vfRatio(i int) float64 { return math.Exp2(float64(vfSemitones(i)) / 12) }

func vfSemitones(i int) int {
	if i%2 == 0 {
		return vfFifth
	}
	return -vfFifth
}

func (f *vfFixture) send(b testing.TB, c engine.Command) {
	if !f.p.Send(c) {
		b.Fatalf("%s: command ring full", f.kind)
	}
}

// feed sends the commands that take effect in the next block, as the
// session would just ahead of it.
func (f *vfFixture) feed(b testing.TB) {
	now := f.p.Position()
	end := now + vfBlock
	switch f.kind {
	case "pitched":
		for i, at := range f.next {
			if at < end {
				f.send(b, engine.Command{Op: engine.NoteOn, At: at, Track: int16(i % 16), Instrument: vfInstrument(i, f.n),
					Key: uint8(vfKey + vfSemitones(i)), Vel: 127})
				f.next[i] = at + engine.Frame(f.period[i])
			}
		}
	case "fading":
		for ; f.nextCycle < end; f.nextCycle += engine.Frame(f.fade) {
			at := f.nextCycle
			k := int(at) / f.fade
			for i := range f.n {
				f.send(b, engine.Command{Op: engine.PlayClip, At: at, Sample: int32(i), Clip: int32(i), Track: int16(i % 16),
					Gain: f.gain, Loop: true, LoopLen: engine.LoopFrames(float64(vfLen(i))), Start: engine.Position(float64(k * f.fade % vfLen(i)))})
			}
			for t := range 16 {
				f.send(b, engine.Command{Op: engine.Stop, At: at, Track: int16(t), Clip: -1, Now: true})
			}
		}
	}
}

func (f *vfFixture) drainEvents() {
	for {
		if _, ok := f.p.PollEvent(); !ok {
			return
		}
	}
}

// sample returns channel c of frame j of sample i as the engine reads it.
func (f *vfFixture) sample(i, j, c int) float64 {
	return float64(f.bank.Samples[i].PCM16[2*j+c]) / 32768
}

// want returns channel c of output frame t as the documented behaviour
// gives it, in float64.
func (f *vfFixture) want(t, c int) float64 {
	sum := 0.0
	switch f.kind {
	case "plain": // every loop from frame 0 at unity
		for i := range f.n {
			sum += f.sample(i, t%vfLen(i), c)
		}
		return sum / float64(f.n)
	case "pitched": // linear interpolation at 2^(±7/12) from each start
		for i := range f.n {
			if t < f.start[i] {
				continue
			}
			x := float64(t-f.start[i]) * vfRatio(i)
			k := int(x)
			a, b := f.sample(i, k, c), f.sample(i, k+1, c)
			sum += a + (b-a)*(x-float64(k))
		}
		return sum / float64(f.n) // the zones' gain
	default: // fading: stops fade linearly from 1 at the stop frame to 0 FadeTime later
		k, j := t/f.fade, t%f.fade
		for i := range f.n {
			sum += f.sample(i, (k*f.fade+j)%vfLen(i), c)
		}
		return sum / float64(f.n) * (1 - float64(j)/float64(f.fade))
	}
}

// check renders the first stretch of the case (every loop wrapping once;
// every note before its first replay; 100 fades) and compares it with want,
// sample by sample.
func (f *vfFixture) check(b testing.TB) {
	frames := 0
	switch f.kind {
	case "plain":
		frames = vfLen(f.n-1) + vfRate/4
	case "pitched":
		frames = math.MaxInt
		for i := range f.n {
			frames = min(frames, f.start[i]+f.period[i])
		}
	case "fading":
		frames = 100 * f.fade
	}
	frames -= frames % vfBlock
	out := make([]float32, 2*vfBlock)
	worst, at, peak := 0.0, 0, 0.0
	for t0 := 0; t0 < frames; t0 += vfBlock {
		f.feed(b)
		f.p.Render(out)
		f.drainEvents()
		for j := range vfBlock {
			for c := range 2 {
				w := f.want(t0+j, c)
				peak = max(peak, math.Abs(w))
				if d := math.Abs(float64(out[2*j+c]) - w); d > worst || math.IsNaN(d) {
					worst, at = d, t0+j
				}
			}
		}
	}
	if !(worst <= vfTol) {
		b.Fatalf("%s, %d voices: output differs from the reference by %.3g at frame %d (tolerance %g): the benchmark would time the wrong thing",
			f.kind, f.n, worst, at, vfTol)
	}
	if peak < 0.05 {
		b.Fatalf("%s, %d voices: the reference peaks at %.3g: too quiet to check anything", f.kind, f.n, peak)
	}
	f.checkStats(b)
}

// checkStats fails if the player ever had fewer or more voices than the
// case plays, or lost, delayed or stole anything.
func (f *vfFixture) checkStats(b testing.TB) {
	st := f.p.Stats()
	switch {
	case st.Steals != 0 || st.Late != 0 || st.Dropped != 0 || st.SendFull != 0:
		b.Fatalf("%s, %d voices: steals %d, late %d, dropped %d, send-full %d; want none", f.kind, f.n, st.Steals, st.Late, st.Dropped, st.SendFull)
	case f.kind == "fading" && st.PeakVoices != f.n: // between cycles, 0 voices: check the peak
		b.Fatalf("fading: %d voices at most, want %d", st.PeakVoices, f.n)
	case f.kind != "fading" && st.Voices < f.n:
		b.Fatalf("%s: %d voices sounding, want %d", f.kind, st.Voices, f.n)
	}
}

// TestVoiceFrameCasesPlayTheReference runs BenchmarkVoiceFrame's output
// checks (at 64 voices) in make test, so that a change to what the engine
// plays shows here rather than first in make bench.
func TestVoiceFrameCasesPlayTheReference(t *testing.T) {
	bank := vfBank(vfCounts[0])
	for _, kind := range []string{"plain", "pitched", "fading"} {
		f := newVFFixture(t, bank, kind, vfCounts[0])
		f.check(t)
	}
}

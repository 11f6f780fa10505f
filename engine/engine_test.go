package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gridbox/audio"
)

const rate = 48000

func mono(vals ...float32) *audio.Buffer {
	return &audio.Buffer{Rate: rate, Channels: 1, Data: vals}
}

func constant(n int, v float32) *audio.Buffer {
	b := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, n)}
	for i := range b.Data {
		b.Data[i] = v
	}
	return b
}

func newPlayer(t testing.TB, bank *Bank, tracks int) *Player {
	t.Helper()
	p, err := New(DefaultConfig(rate, tracks), bank)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// render pulls frames frames in blocks of block and returns them (stereo).
func render(p *Player, frames, block int) []float32 {
	out := make([]float32, 0, 2*frames)
	buf := make([]float32, 2*block)
	for len(out) < 2*frames {
		n := min(block, frames-len(out)/2)
		p.Render(buf[:2*n])
		out = append(out, buf[:2*n]...)
	}
	return out
}

func firstNonZero(out []float32) int {
	for i, s := range out {
		if s != 0 {
			return i / 2
		}
	}
	return -1
}

func send(t testing.TB, p *Player, cs ...Command) {
	t.Helper()
	for _, c := range cs {
		if !p.Send(c) {
			t.Fatal("command ring full")
		}
	}
}

func TestLaunchIsSampleAccurateForAnyBlockSize(t *testing.T) {
	for _, block := range []int{1, 7, 64, 128, 256, 1000, 4096} {
		for _, at := range []Frame{0, 1, 127, 128, 129, 4799, 24000} {
			p := newPlayer(t, &Bank{Samples: []*audio.Buffer{mono(0.25, 0.5, 0.75)}}, 1)
			send(t, p, Command{Op: PlayClip, At: at, Sample: 0, Gain: 1})
			out := render(p, int(at)+600, block)
			if got := firstNonZero(out); got != int(at) {
				t.Fatalf("block %d: launch at %d: first sound at frame %d", block, at, got)
			}
			if out[2*at] != 0.25 || out[2*at+2] != 0.5 || out[2*at+4] != 0.75 || out[2*at+6] != 0 {
				t.Fatalf("block %d: wrong samples %v", block, out[2*at:2*at+8])
			}
		}
	}
}

func TestLoopIsSeamless(t *testing.T) {
	const n = 1000
	ramp := make([]float32, n)
	for i := range ramp {
		ramp[i] = float32(i+1) / n / 2
	}
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{mono(ramp...)}}, 1)
	send(t, p, Command{Op: PlayClip, At: 10, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(n)})
	out := render(p, 10+5*n+3, 128)
	for f := 10; f < 10+5*n; f++ {
		if want := ramp[(f-10)%n]; out[2*f] != want {
			t.Fatalf("frame %d: got %v want %v", f, out[2*f], want)
		}
	}
}

func TestFractionalLoopStaysOnGrid(t *testing.T) {
	// A 1-bar loop at 127.3 BPM is 90494.89... frames: loop k must restart at
	// the frame nearest k*L after the start (where the sequencer's clock
	// puts beat 4k), forever, without drift.
	L := 4 * 60 / 127.3 * rate
	data := make([]float32, 100000)
	for i := range data {
		data[i] = 0.5
	}
	data[0] = 1 // marks each restart
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{mono(data...)}}, 1)
	send(t, p, Command{Op: PlayClip, At: 0, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(L)})
	out := render(p, 20*int(L), 256)
	k := 0
	for f := 0; f < len(out)/2; f++ {
		if out[2*f] == 1 {
			want := int(math.Round(float64(k) * L))
			if f != want {
				t.Fatalf("restart %d at frame %d, want %d", k, f, want)
			}
			k++
		} else if out[2*f] != 0.5 && out[2*f] != 0 {
			t.Fatalf("frame %d: unexpected %v", f, out[2*f])
		}
	}
	if k != 20 {
		t.Fatalf("saw %d restarts, want 20", k)
	}
}

func TestLoopPadsWithSilenceAndCuts(t *testing.T) {
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{mono(0.1, 0.2, 0.3)}}, 1)
	send(t, p, Command{Op: PlayClip, At: 0, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(5)})
	out := render(p, 10, 4)
	want := []float32{0.1, 0.2, 0.3, 0, 0, 0.1, 0.2, 0.3, 0, 0}
	for i, w := range want {
		if out[2*i] != w {
			t.Fatalf("padded loop: frame %d = %v want %v", i, out[2*i], w)
		}
	}
	p = newPlayer(t, &Bank{Samples: []*audio.Buffer{mono(0.1, 0.2, 0.3)}}, 1)
	send(t, p, Command{Op: PlayClip, At: 0, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(2)})
	out = render(p, 6, 5)
	want = []float32{0.1, 0.2, 0.1, 0.2, 0.1, 0.2}
	for i, w := range want {
		if out[2*i] != w {
			t.Fatalf("cut loop: frame %d = %v want %v", i, out[2*i], w)
		}
	}
}

func TestUnityGain(t *testing.T) {
	st := &audio.Buffer{Rate: rate, Channels: 2, Data: []float32{0.3, -0.6, 0.3, -0.6, 0.3, -0.6}}
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{constant(8, 0.5), st}}, 2)
	send(t, p, Command{Op: PlayClip, Sample: 0, Gain: DBToGain(0), Track: 0},
		Command{Op: PlayClip, Sample: 1, Gain: DBToGain(0), Track: 1, At: 4})
	out := render(p, 8, 8)
	for f := 0; f < 4; f++ {
		if out[2*f] != 0.5 || out[2*f+1] != 0.5 {
			t.Fatalf("mono at 0 dB: frame %d = %v,%v want 0.5,0.5", f, out[2*f], out[2*f+1])
		}
	}
	for f := 4; f < 7; f++ {
		if out[2*f] != 0.8 || out[2*f+1] != -0.1 {
			// 0.5+0.3 and 0.5-0.6
			if math.Abs(float64(out[2*f]-0.8)) > 1e-7 || math.Abs(float64(out[2*f+1]+0.1)) > 1e-7 {
				t.Fatalf("stereo at 0 dB: frame %d = %v,%v", f, out[2*f], out[2*f+1])
			}
		}
	}
}

func TestPanIsBalance(t *testing.T) {
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{constant(rate, 0.5)}}, 1)
	send(t, p, Command{Op: SetTrack, Gain: 1, Pan: -1}, Command{Op: PlayClip, Sample: 0, Gain: 1})
	out := render(p, 1000, 128)
	f := 999
	if out[2*f] != 0.5 || out[2*f+1] != 0 {
		t.Fatalf("pan -1: %v,%v want 0.5,0", out[2*f], out[2*f+1])
	}
}

// maxStep returns the largest jump between consecutive samples of channel c.
func maxStep(out []float32, c int) float64 {
	m := 0.0
	for i := 2 + c; i < len(out); i += 2 {
		m = max(m, math.Abs(float64(out[i]-out[i-2])))
	}
	return m
}

func TestVolumeChangeRamps(t *testing.T) {
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{constant(rate, 0.5)}}, 1)
	send(t, p, Command{Op: PlayClip, Sample: 0, Gain: 1},
		Command{Op: SetTrack, At: 1000, Gain: 0, Mute: true},
		Command{Op: SetTrack, At: 5000, Gain: 1})
	out := render(p, 10000, 128)
	ramp := float64(framesOf(rate, RampTime))
	if got, limit := maxStep(out, 0), 0.5/ramp*1.01; got > limit {
		t.Fatalf("largest step %v, want ≤ %v (a %v-frame ramp)", got, limit, ramp)
	}
	if out[2*(1000+int(ramp))] != 0 || out[2*9999] != 0.5 {
		t.Fatalf("ramp targets not reached: %v %v", out[2*(1000+int(ramp))], out[2*9999])
	}
}

func TestStopFadesOutWithinFadeTime(t *testing.T) {
	fade := int(framesOf(rate, FadeTime))
	if fade > rate/100 {
		t.Fatalf("fade is %d frames, more than 10 ms", fade)
	}
	// A stop known ahead fades out up to its frame; one that is not (Now)
	// fades out from it.
	for _, c := range []struct {
		now        bool
		from, upto int // the fade's first frame and the first silent one
	}{{false, 2000 - fade, 2000}, {true, 2000, 2000 + fade}} {
		p := newPlayer(t, &Bank{Samples: []*audio.Buffer{constant(rate, 0.5)}}, 1)
		send(t, p, Command{Op: PlayClip, Sample: 0, Gain: 1, Clip: 7, Loop: true, LoopLen: LoopFrames(rate)},
			Command{Op: Stop, At: 2000, Clip: 7, Now: c.now})
		out := render(p, 4000, 100)
		if out[2*(c.from-1)] != 0.5 || out[2*c.from] != 0.5 || out[2*(c.from+1)] >= 0.5 || out[2*(c.upto-1)] == 0 || out[2*c.upto] != 0 {
			t.Fatalf("now=%v: fade from %d to %d: %v", c.now, c.from, c.upto, out[2*(c.from-1):2*(c.upto+1)])
		}
		if got, limit := maxStep(out, 0), 0.5/float64(fade)*1.01; got > limit {
			t.Fatalf("now=%v: largest step %v > %v: the stop clicks", c.now, got, limit)
		}
		var stopped Frame = -1
		for {
			e, ok := p.PollEvent()
			if !ok {
				break
			}
			if e.Kind == EvStopped && e.Clip == 7 {
				stopped = e.Frame
			}
		}
		if stopped != Frame(c.upto) {
			t.Fatalf("now=%v: EvStopped at %d, want %d", c.now, stopped, c.upto)
		}
	}
}

func TestLimiterNeverExceedsFullScale(t *testing.T) {
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{constant(rate, 0.9)}}, 3)
	send(t, p, Command{Op: PlayClip, Sample: 0, Gain: 1, Track: 0},
		Command{Op: PlayClip, Sample: 0, Gain: 1, Track: 1},
		Command{Op: PlayClip, Sample: 0, Gain: DBToGain(12), Track: 2, At: 100})
	out := render(p, 4800, 128)
	for i, s := range out {
		if s > 1 || s < -1 {
			t.Fatalf("sample %d = %v beyond ±1", i, s)
		}
	}
	if p.Stats().Limited == 0 {
		t.Fatal("limiter never engaged")
	}
}

// TestLimiterPassesNoInfOrNaN: NaN and ±Inf in the mix (a voice gone
// wrong) come out as 0, and the frames around them as they were: an Inf
// came out as NaN and turned the limiter's gain to 0.
func TestLimiterPassesNoInfOrNaN(t *testing.T) {
	p := newPlayer(t, &Bank{}, 1)
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	out := []float32{0.5, -0.5, inf, 0.25, -inf, nan, 0.5, -0.5}
	p.limit(out)
	if want := []float32{0.5, -0.5, 0, 0.25, 0, 0, 0.5, -0.5}; !slices.Equal(out, want) {
		t.Errorf("limited %v, want %v", out, want)
	}
}

func TestEventsReportQueuedStartedLoopedStopped(t *testing.T) {
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{constant(100, 0.5)}}, 2)
	send(t, p, Command{Op: PlayClip, At: 50, Sample: 0, Gain: 1, Clip: 3, Track: 1, Loop: true, LoopLen: LoopFrames(100)},
		Command{Op: Stop, At: 700, Clip: -1, Track: 1})
	render(p, 1000, 64)
	var got []Event
	for {
		e, ok := p.PollEvent()
		if !ok {
			break
		}
		got = append(got, e)
	}
	want := []Event{
		{Kind: EvQueued, Track: 1, Clip: 3, Frame: 50},
		{Kind: EvStarted, Track: 1, Clip: 3, Frame: 50},
		{Kind: EvLooped, Track: 1, Clip: 3, Frame: 150},
		{Kind: EvLooped, Track: 1, Clip: 3, Frame: 250},
		{Kind: EvLooped, Track: 1, Clip: 3, Frame: 350},
		{Kind: EvLooped, Track: 1, Clip: 3, Frame: 450}, // then it fades out (from 460): no more
		{Kind: EvStopped, Track: 1, Clip: 3, Frame: 700},
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v", got)
	}
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("event %d = %+v want %+v", i, got[i], w)
		}
	}
}

func TestLateCommandPlaysNowAndIsCounted(t *testing.T) {
	ramp := make([]float32, 400)
	for i := range ramp {
		ramp[i] = float32(i+1) / 1000
	}
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{mono(ramp...)}}, 1)
	render(p, 256, 128)
	send(t, p, Command{Op: PlayClip, At: 100, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(400)})
	out := render(p, 128, 128)
	// It sounds at once, 156 frames into the clip: where it would be had it
	// started on time, so the loop stays on the grid.
	if out[0] != ramp[156] || p.Stats().Late != 1 {
		t.Fatalf("late launch: first sample %v (want %v), late %d", out[0], ramp[156], p.Stats().Late)
	}
}

func TestLoopFramesClamps(t *testing.T) {
	if got := LoopFrames(5.8e9); got != LoopFrames(MaxLoopFrames) || got == 0 {
		t.Fatalf("LoopFrames(5.8e9) = %d", got)
	}
	if LoopFrames(math.NaN()) != 0 || LoopFrames(-1) != 0 {
		t.Fatal("LoopFrames of NaN or a negative length is not 0")
	}
}

func TestVoiceStealingTakesTheOldestWithAFade(t *testing.T) {
	cfg := DefaultConfig(rate, 8)
	cfg.Voices = 4
	p, err := New(cfg, &Bank{Samples: []*audio.Buffer{constant(rate, 0.1)}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		send(t, p, Command{Op: PlayClip, At: Frame(i * 10), Sample: 0, Gain: 1, Track: int16(i), Clip: int32(i)})
	}
	out := render(p, 1000, 128)
	st := p.Stats()
	if st.Steals != 1 || st.Voices != 4 {
		t.Fatalf("steals %d voices %d, want 1 and 4", st.Steals, st.Voices)
	}
	if got, limit := maxStep(out, 0), 0.1+1e-6; got > limit {
		t.Fatalf("steal clicked: step %v", got)
	}
	// Track 0 (the oldest) fell silent after its steal fade; the others play.
	stolen := false
	for {
		e, ok := p.PollEvent()
		if !ok {
			break
		}
		if e.Kind == EvStopped {
			stolen = e.Track == 0
		}
	}
	if !stolen {
		t.Fatal("oldest voice (track 0) was not the one stolen")
	}
}

func TestNotesPitchAndGate(t *testing.T) {
	// A 100 Hz sine sample rooted at key 60; key 72 must play 200 Hz.
	sine := make([]float32, rate)
	for i := range sine {
		sine[i] = float32(0.5 * math.Sin(2*math.Pi*100*float64(i)/rate))
	}
	bank := &Bank{
		Samples:     []*audio.Buffer{mono(sine...)},
		Instruments: []Instrument{{Zones: []Zone{{Low: 0, High: 127, Root: 60, Sample: 0, Gain: 1, Gate: true}}}},
	}
	p := newPlayer(t, bank, 1)
	send(t, p, Command{Op: NoteOn, At: 480, Key: 72, Vel: 127},
		Command{Op: NoteOff, At: 480 + 24000, Key: 72})
	out := render(p, 30000, 128)
	if got := firstNonZero(out); got != 481 && got != 480 {
		t.Fatalf("note starts at %d", got)
	}
	crossings := 0
	for f := 481; f < 480+24000; f++ {
		if out[2*(f-1)] < 0 && out[2*f] >= 0 {
			crossings++
		}
	}
	if crossings < 99 || crossings > 101 { // 0.5 s at 200 Hz
		t.Fatalf("key 72 made %d upward crossings in 0.5 s, want 100", crossings)
	}
	fade := int(framesOf(rate, FadeTime))
	for f := 480 + 24000 + fade + 1; f < 30000; f++ {
		if out[2*f] != 0 {
			t.Fatalf("gated note still sounds at %d after note-off", f)
		}
	}
}

func TestZonesLayer(t *testing.T) {
	bank := &Bank{
		Samples: []*audio.Buffer{constant(10, 0.25), constant(10, 0.125)},
		Instruments: []Instrument{{Zones: []Zone{
			{Low: 36, High: 36, Root: 36, Sample: 0, Gain: 1},
			{Low: 30, High: 40, Root: 36, Sample: 1, Gain: 1},
			{Low: 50, High: 60, Root: 50, Sample: 0, Gain: 1},
		}}},
	}
	p := newPlayer(t, bank, 1)
	send(t, p, Command{Op: NoteOn, At: 3, Key: 36, Vel: 127})
	out := render(p, 8, 8)
	if out[2*3] != 0.375 || p.Stats().Voices != 2 {
		t.Fatalf("key 36 in two zones: %v with %d voices, want 0.375 from 2", out[2*3], p.Stats().Voices)
	}
}

// TestPCM16SamplesPlayExactly: 16-bit samples (Buffer.PCM16) play at unity
// exactly, mono and stereo, looped, and pitched through a zone.
func TestPCM16SamplesPlayExactly(t *testing.T) {
	m := &audio.Buffer{Rate: rate, Channels: 1, PCM16: []int16{16384, -8192, 32767, -32768}}
	st := &audio.Buffer{Rate: rate, Channels: 2, PCM16: []int16{16384, -16384, 8192, 4096}}
	bank := &Bank{Samples: []*audio.Buffer{m, st}, Instruments: []Instrument{{Zones: []Zone{{Low: 60, High: 60, Root: 60, Sample: 0, Gain: 1}}}}}
	p := newPlayer(t, bank, 3)
	send(t, p, Command{Op: PlayClip, At: 5, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(4)},
		Command{Op: PlayClip, At: 5, Sample: 1, Gain: 1, Track: 1},
		Command{Op: NoteOn, At: 20, Track: 2, Key: 60, Vel: 127})
	out := render(p, 30, 7)
	want := []float32{0.5 + 0.5, -0.25 + 0.25, 32767.0 / 32768, -1}
	wantR := []float32{0, -0.25 + 0.125, 32767.0 / 32768, -1} // 0.5 from the mono, -0.5 from the stereo
	for i := range want {
		if l, r := out[2*(5+i)], out[2*(5+i)+1]; l != want[i] || r != wantR[i] {
			t.Fatalf("frame %d: %v,%v want %v,%v", 5+i, l, r, want[i], wantR[i])
		}
	}
	if l := out[2*9]; l != 0.5 { // the loop restarts at frame 9
		t.Fatalf("loop restart: %v", l)
	}
	if l := out[2*20]; l != -1+0.5 { // the loop's 4th sample plus the note's 1st
		t.Fatalf("note on a PCM16 zone: %v", l)
	}
}

// TestRandomLaunchesAreSampleAccurate (benchmark plan B5): 40 rounds of 8
// launches at random frames, rendered in random block sizes of 1..700
// frames: each impulse clip sounds exactly at its frame (where several land
// on one frame they add up), and nowhere else.
func TestRandomLaunchesAreSampleAccurate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	click := make([]float32, 64)
	click[0] = 1
	const tracks = 8
	for round := 0; round < 40; round++ {
		p := newPlayer(t, &Bank{Samples: []*audio.Buffer{mono(click...)}}, tracks)
		want := map[int]int{}
		for tr := 0; tr < tracks; tr++ {
			at := Frame(rng.IntN(20000))
			send(t, p, Command{Op: PlayClip, At: at, Track: int16(tr), Sample: 0, Gain: 1, Clip: int32(tr)})
			want[tr] = int(at)
		}
		out := make([]float32, 0, 2*21000)
		for len(out) < 2*21000 {
			n := 1 + rng.IntN(700)
			buf := make([]float32, 2*n)
			p.Render(buf)
			out = append(out, buf...)
		}
		sum := make([]float32, len(out)/2)
		for _, f := range want {
			sum[f]++
		}
		for f := range sum {
			if out[2*f] != sum[f] || out[2*f+1] != sum[f] {
				t.Fatalf("round %d: frame %d = %v, want %v (launch frames %v)", round, f, out[2*f], sum[f], want)
			}
		}
	}
}

// TestLiveNotesPlayWhenTakenIn: a NoteOn or NoteOff with Now (a live note)
// applies at the first frame of the block rendered after it is sent,
// whatever its At (the frame the musician played it: in the past, or a
// stale future stamp), and is never counted late; notes without Now keep
// their frame. Block sizes 64, 128 and 333.
func TestLiveNotesPlayWhenTakenIn(t *testing.T) {
	bank := &Bank{
		Samples:     []*audio.Buffer{constant(rate, 0.25)},
		Instruments: []Instrument{{Zones: []Zone{{Low: 0, High: 127, Root: 60, Sample: 0, Gain: 1, Gate: true}}}},
	}
	for _, block := range []int{64, 128, 333} {
		for _, stamp := range []Frame{-1000, -1, 0, 5, 100000} {
			p := newPlayer(t, bank, 2)
			buf := make([]float32, 2*block)
			for range 3 {
				p.Render(buf)
			}
			start := p.Position()
			send(t, p, Command{Op: NoteOn, Now: true, At: start + stamp, Track: 1, Key: 60, Vel: 127},
				Command{Op: NoteOn, At: start + 10, Track: 0, Key: 60, Vel: 127}) // scheduled: at its frame
			out := render(p, 3*block, block)
			if f := firstNonZero(out); f != 0 {
				t.Fatalf("block %d, At %+d: the live note sounds first at block start + %d, want + 0", block, stamp, f)
			}
			if out[2*9] != 0.25 || out[2*10] != 0.5 {
				t.Fatalf("block %d, At %+d: frames 9, 10 are %v, %v, want 0.25 (live), 0.5 (live + scheduled)", block, stamp, out[2*9], out[2*10])
			}
			off := p.Position()
			send(t, p, Command{Op: NoteOff, Now: true, At: off - 2000, Track: 1, Key: 60})
			out = render(p, 2*block+int(framesOf(rate, FadeTime)), block)
			if out[0] != 0.5 || out[2*(len(out)/2-1)] != 0.25 {
				t.Fatalf("block %d, At %+d: after the live note-off, %v at its block start and %v a fade later, want 0.5 then 0.25",
					block, stamp, out[0], out[len(out)-2])
			}
			if l := p.Stats().Late; l != 0 {
				t.Fatalf("block %d, At %+d: %d late commands, want 0", block, stamp, l)
			}
		}
	}
}

// TestStopLiveIsThePanicButton: a Stop of every voice (Clip −1) leaves a
// live note alone, which ends by its own NoteOff; with Live it fades the
// live note too, so a note whose note-off went missing still ends at the
// panic button. Block sizes 64, 128 and 333.
func TestStopLiveIsThePanicButton(t *testing.T) {
	bank := &Bank{
		Samples:     []*audio.Buffer{constant(rate, 0.25)},
		Instruments: []Instrument{{Zones: []Zone{{Low: 0, High: 127, Root: 60, Sample: 0, Gain: 1, Gate: true}}}},
	}
	fade := int(framesOf(rate, FadeTime))
	for _, block := range []int{64, 128, 333} {
		p := newPlayer(t, bank, 1)
		send(t, p, Command{Op: NoteOn, Now: true, Live: true, Track: 0, Key: 60, Vel: 127})
		render(p, block, block)
		send(t, p, Command{Op: Stop, Now: true, At: p.Position(), Track: 0, Clip: -1})
		if out := render(p, 2*block+fade, block); out[len(out)-2] != 0.25 {
			t.Fatalf("block %d: a Stop without Live left the live note at %v a fade later, want 0.25", block, out[len(out)-2])
		}
		send(t, p, Command{Op: Stop, Now: true, Live: true, At: p.Position(), Track: 0, Clip: -1})
		if out := render(p, 2*block+fade, block); out[len(out)-2] != 0 {
			t.Fatalf("block %d: a Stop with Live left the live note at %v a fade later, want 0", block, out[len(out)-2])
		}
	}
}

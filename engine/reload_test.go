package engine

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"gridbox/audio"
)

// TestSwapBankDividesCommandsInSendOrder: a command resolves its bank when
// it is taken in, not when it applies. Clip A, sent before the SwapBank for
// a later frame, plays the old bank's sample 0 even though it applies after
// the swap was taken in; clip B, sent after it for an earlier frame, plays
// the new bank's sample 0; both frame-exactly. Also when A was taken in a
// block before the swap was sent.
func TestSwapBankDividesCommandsInSendOrder(t *testing.T) {
	for _, early := range []bool{false, true} {
		for _, block := range []int{64, 100, 333} {
			old := &Bank{Samples: []*audio.Buffer{constant(1000, 0.25)}}
			next := &Bank{Samples: []*audio.Buffer{constant(1000, 0.5)}}
			p := newPlayer(t, old, 1)
			send(t, p, Command{Op: PlayClip, At: 200, Sample: 0, Clip: 1, Gain: 1})
			var out []float32
			if early {
				out = render(p, 50, 50) // A is taken in, not yet applied
			}
			if err := p.StageBank(next); err != nil {
				t.Fatal(err)
			}
			send(t, p, Command{Op: SwapBank}, Command{Op: PlayClip, At: 150, Sample: 0, Clip: 2, Gain: 1})
			out = append(out, render(p, 400-len(out)/2, block)...)
			for f := range 400 {
				want := float32(0)
				switch {
				case f >= 200:
					want = 0.75
				case f >= 150:
					want = 0.5
				}
				if out[2*f] != want || out[2*f+1] != want {
					t.Fatalf("early %v, block %d: frame %d = %v, want %v", early, block, f, out[2*f], want)
				}
			}
			if p.Staged() {
				t.Fatal("the staged bank was not taken in")
			}
		}
	}
}

// TestStageBank: one bank waits at a time; Staged says so until a SwapBank
// takes it in; a SwapBank with nothing staged changes nothing; a bank that
// streams needs stream slots.
func TestStageBank(t *testing.T) {
	a := &Bank{Samples: []*audio.Buffer{constant(1000, 0.25)}}
	b := &Bank{Samples: []*audio.Buffer{constant(1000, 0.5)}}
	p := newPlayer(t, a, 1)
	if p.Staged() {
		t.Fatal("Staged before StageBank")
	}
	send(t, p, Command{Op: SwapBank}, Command{Op: PlayClip, Sample: 0, Gain: 1})
	if out := render(p, 10, 10); out[0] != 0.25 {
		t.Fatalf("after a SwapBank with nothing staged: %v, want the first bank's 0.25", out[0])
	}
	if err := p.StageBank(b); err != nil {
		t.Fatal(err)
	}
	if !p.Staged() {
		t.Fatal("not Staged after StageBank")
	}
	if err := p.StageBank(a); !errors.Is(err, ErrStaged) {
		t.Fatalf("StageBank twice: %v, want ErrStaged", err)
	}
	render(p, 10, 10) // no SwapBank sent yet: b stays staged
	if !p.Staged() {
		t.Fatal("the staged bank was taken without a SwapBank")
	}
	send(t, p, Command{Op: SwapBank})
	render(p, 10, 10)
	if p.Staged() {
		t.Fatal("still Staged after the SwapBank was taken in")
	}
	if err := p.StageBank(a); err != nil {
		t.Fatalf("StageBank after the swap: %v", err)
	}
	if err := p.StageBank(&Bank{Samples: []*audio.Buffer{{Rate: 44100, Channels: 1, Data: make([]float32, 10)}}}); err == nil {
		t.Fatal("a bank at another rate was accepted")
	}

	streams, _ := streamedBank(&Bank{Samples: []*audio.Buffer{constant(5000, 0.5)}}, 1000)
	if err := newPlayer(t, a, 1).StageBank(streams); err == nil {
		t.Fatal("a bank that streams was staged on a player without stream slots")
	}
	cfg := DefaultConfig(rate, 1)
	cfg.Streams = 4
	q, err := New(cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if q.Streamer() == nil {
		t.Fatal("Config.Streams > 0 and no Streamer")
	}
	if err := q.StageBank(streams); err != nil {
		t.Fatalf("a bank that streams, on a player with stream slots: %v", err)
	}
}

// arenaBuffer returns frames frames of quiet noise (within ±0.01) in
// sample memory, as a set's samples are loaded.
func arenaBuffer(rng *rand.Rand, frames, ch int) *audio.Buffer {
	b := &audio.Buffer{Rate: rate, Channels: ch, Data: audio.MakeSamples(frames * ch)}
	for i := range b.Data {
		b.Data[i] = float32(rng.Float64()*0.02 - 0.01)
	}
	return b
}

// release frees b's samples as the session does once Uses allows it, first
// filling them with a poison far beyond full scale: anything still playing
// them then trips the limiter (Stats.Limited), and under -race anything
// still reading them is a reported race with these writes. It frees them
// through a copy of b, so that b still points at them: a voice starting
// from b too late plays the poison (or faults) rather than the empty
// buffer audio.Free leaves.
func release(b *audio.Buffer) {
	for i := range b.Data {
		b.Data[i] = 1000
	}
	c := *b
	audio.Free(&c)
}

// refCounts returns b's counters: held, commands waiting, and voices of
// all its samples.
func refCounts(b *Bank) (held, pending, voices int64) {
	r := b.refs
	for i := range r.voices {
		voices += int64(r.voices[i].Load())
		pending += int64(r.clips[i].Load())
	}
	for i := range r.notes {
		pending += int64(r.notes[i].Load())
	}
	return int64(r.held.Load()), pending, voices
}

// TestUsesUntilNothingPlaysIt: after a swap, Uses reports each sample of
// the old bank in use exactly while something may still read it: a looping
// clip until its quantized stop, a clip queued before the swap until it has
// played to its end, a one-shot note until it has rung out, a streamed clip
// until its stream slot is free again (the streamer's next Fill after the
// voice ends), and a sample the new bank holds too throughout. Each is
// released (poisoned and freed) as soon as Uses says so while rendering
// goes on, and nothing plays the poison; the counts end at zero.
func TestUsesUntilNothingPlaysIt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	long := arenaBuffer(rng, 60000, 2) // streamed: its preload is a copy
	pre := &audio.Buffer{Rate: rate, Channels: 2, Data: audio.MakeSamples(2 * 1000)}
	copy(pre.Data, long.Data)
	shared := constant(100000, 0.01)
	old := &Bank{
		Samples:     []*audio.Buffer{arenaBuffer(rng, 100000, 2), arenaBuffer(rng, 70000, 1), pre, shared, arenaBuffer(rng, 70000, 1)},
		Streams:     []audio.Source{nil, nil, &memSource{b: long}, nil, nil},
		Instruments: []Instrument{{Zones: []Zone{{Low: 0, High: 127, Root: 60, Sample: 4, Gain: 1}}}},
	}
	next := &Bank{Samples: []*audio.Buffer{shared, arenaBuffer(rng, 70000, 1)}}
	cfg := DefaultConfig(rate, 5)
	cfg.Streams, cfg.StreamFrames = 4, 8192
	p, err := New(cfg, old)
	if err != nil {
		t.Fatal(err)
	}
	send(t, p,
		Command{Op: PlayClip, Track: 0, Sample: 0, Clip: 1, Gain: 0.5, Loop: true, LoopLen: LoopFrames(4000)},
		Command{Op: PlayClip, Track: 2, Sample: 2, Clip: 3, Gain: 0.5},
		Command{Op: NoteOn, Track: 3, Instrument: 0, Key: 60, Vel: 127},
		Command{Op: PlayClip, At: 30000, Track: 1, Sample: 1, Clip: 2, Gain: 0.5})
	const block = 128
	out := make([]float32, 2*block)
	step := func() {
		p.Prepare()
		p.Streamer().Fill(0)
		p.Render(out)
	}
	for p.Position() < 1280 {
		step()
	}
	if err := p.StageBank(next); err != nil {
		t.Fatal(err)
	}
	send(t, p, Command{Op: SwapBank},
		Command{Op: PlayClip, At: 2000, Track: 4, Sample: 0, Clip: 5, Gain: 1, Loop: true, LoopLen: LoopFrames(50000)},
		Command{Op: Stop, At: 10000, Track: 0, Clip: 1}) // the removed clip stops on its boundary
	// Where each old sample's last use ends, in frames (the streamed one's
	// stream slot goes free at the streamer's next Fill after that).
	// The new bank holds sample 3 (the same Buffer): it stays in use.
	ends := map[int32]Frame{0: 10000, 1: 100000, 2: 60000, 3: math.MaxInt64, 4: 70000}
	freed := map[int32]bool{}
	for p.Position() < 110000 {
		p.Prepare()
		p.Streamer().Fill(0)
		pos := p.Position()
		for s, end := range ends {
			if got, want := p.Uses(old, s), pos < end; got != want {
				t.Fatalf("frame %d, before the block: Uses(old, %d) = %v, want %v", pos, s, got, want)
			}
			if !p.Uses(old, s) && !freed[s] && s != 3 {
				release(old.Samples[s])
				if s == 2 {
					release(long)
				}
				freed[s] = true
			}
		}
		p.Render(out)
		pos = p.Position()
		if got, want := p.Uses(old, 2), pos-block < 60000; got != want {
			t.Fatalf("frame %d, after the block: Uses(old, 2) = %v, want %v (the stream slot is released, not yet free)", pos, got, want)
		}
		drainEvents(p)
	}
	if len(freed) != 4 || freed[3] || p.Stats().Limited != 0 {
		t.Fatalf("freed %v; %d frames limited (a freed sample played)", freed, p.Stats().Limited)
	}
	if h, n, v := refCounts(old); h != 0 || n != 0 || v != 0 {
		t.Fatalf("old bank's counts: held %d, pending %d, voices %d; want 0", h, n, v)
	}
	if h, n, v := refCounts(next); h != 1 || n != 0 || v != 1 {
		t.Fatalf("new bank's counts: held %d, pending %d, voices %d; want 1, 0, 1", h, n, v)
	}
	if !p.Uses(next, 0) || !p.Uses(next, 1) {
		t.Fatal("the current bank is not in use")
	}
}

// TestBankCountsFollowVoices: through random launches, stops, notes,
// steals (a pool of 8 voices, bursts that fill the tail slots too) and
// swaps between three banks, every sounding voice is counted exactly once
// in the bank it started from, and every PlayClip and NoteOn waiting for
// its frame in the bank it was taken in with; at the end only the current
// bank is held.
func TestBankCountsFollowVoices(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	banks := make([]*Bank, 3)
	for i := range banks {
		b := &Bank{}
		for range 4 {
			b.Samples = append(b.Samples, noiseBuffer(rng, 500+rng.IntN(5000), 1+rng.IntN(2)))
		}
		b.Instruments = []Instrument{{Zones: []Zone{{Low: 0, High: 127, Root: 60, Sample: 1, Gain: 0.5}, {Low: 60, High: 127, Root: 60, Sample: 2, Gain: 0.5, Gate: true}}}}
		banks[i] = b
	}
	banks[1].Samples[3] = banks[0].Samples[0] // shared, at another index
	p, err := New(Config{Rate: rate, MaxBlock: 1024, Voices: 8, Tracks: 4, Commands: 256, Events: 4096, Pending: 256}, banks[0])
	if err != nil {
		t.Fatal(err)
	}
	check := func(i int) {
		t.Helper()
		var held, pending, voices int64
		for _, b := range banks {
			if b.refs == nil {
				continue
			}
			h, n, v := refCounts(b)
			held, pending, voices = held+h, pending+n, voices+v
		}
		want := int64(0)
		for _, c := range p.pending[p.ph:p.pn] {
			if c.bank.waiting(&c.Command) != nil {
				want++
			}
		}
		staged := int64(0)
		if p.Staged() {
			staged = 1
		}
		if held != 1+staged || pending != want || voices != int64(len(p.act)) {
			t.Fatalf("block %d: held %d (want %d), pending %d (want %d), voices %d (want %d)", i, held, 1+staged, pending, want, voices, len(p.act))
		}
		for _, k := range p.act {
			if p.voices[k].uses == nil {
				t.Fatalf("block %d: voice %d uncounted", i, k)
			}
		}
	}
	out := make([]float32, 2*64)
	for i := range 3000 {
		at := p.Position() + Frame(rng.IntN(400))
		tr := int16(rng.IntN(4))
		switch rng.IntN(8) {
		case 0, 1:
			send(t, p, Command{Op: PlayClip, At: at, Track: tr, Sample: int32(rng.IntN(4)), Clip: int32(rng.IntN(6)), Gain: 0.2,
				Loop: rng.IntN(2) == 0, LoopLen: LoopFrames(300 + rng.Float64()*3000), Legato: rng.IntN(4) == 0})
		case 2:
			send(t, p, Command{Op: Stop, At: at, Track: tr, Clip: int32(rng.IntN(7)) - 1, Now: rng.IntN(2) == 0})
		case 3:
			send(t, p, Command{Op: NoteOff, At: at, Track: tr, Key: uint8(50 + rng.IntN(20))})
		case 4:
			if !p.Staged() {
				if err := p.StageBank(banks[rng.IntN(3)]); err != nil {
					t.Fatal(err)
				}
			}
			send(t, p, Command{Op: SwapBank})
		case 5:
			if rng.IntN(10) == 0 { // a burst: steals with and without tail slots
				for range 30 {
					send(t, p, Command{Op: NoteOn, At: at, Track: tr, Key: uint8(50 + rng.IntN(20)), Vel: 100})
				}
			}
		default:
			send(t, p, Command{Op: NoteOn, At: at, Track: tr, Key: uint8(50 + rng.IntN(20)), Vel: 100})
		}
		p.Render(out)
		drainEvents(p)
		check(i)
	}
	if p.Stats().Steals == 0 {
		t.Fatal("no steals")
	}
	render(p, 1000, 64) // every command has applied
	for tr := range int16(4) {
		send(t, p, Command{Op: Stop, At: p.Position(), Track: tr, Clip: -1, Now: true})
	}
	send(t, p, Command{Op: SwapBank}) // takes in a bank still staged
	for range 400 {
		p.Render(out)
		drainEvents(p)
	}
	check(-1)
	if len(p.act) != 0 {
		t.Fatalf("%d voices still sounding", len(p.act))
	}
}

// TestOldVoicesPlayOnAcrossSwap: voices started from the old bank (a loop
// with crossfades, a streamed loop, a pitched note) play on bit for bit as
// if no reload had happened, although the new bank holds other samples at
// their indices, and a Stop sent after the swap still reaches them.
func TestOldVoicesPlayOnAcrossSwap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	mk := func() *Bank {
		streams, _ := streamedBank(&Bank{Samples: []*audio.Buffer{noiseBuffer(rng, 30000, 2)}}, 3000)
		return &Bank{
			Samples:     []*audio.Buffer{noiseBuffer(rng, 8000, 2), streams.Samples[0], noiseBuffer(rng, 20000, 1)},
			Streams:     []audio.Source{nil, streams.Streams[0], nil},
			Instruments: []Instrument{{Zones: []Zone{{Low: 0, High: 127, Root: 60, Sample: 2, Gain: 0.5}}}},
		}
	}
	old, next := mk(), mk()
	cmds := []Command{
		{Op: PlayClip, At: 10, Track: 0, Sample: 0, Clip: 1, Gain: 0.4, Loop: true, LoopLen: LoopFrames(3000.5), LoopFade: 200},
		{Op: PlayClip, At: 20, Track: 1, Sample: 1, Clip: 2, Gain: 0.4, Loop: true, LoopLen: LoopFrames(12000), LoopFade: 100},
		{Op: NoteOn, At: 30, Track: 2, Instrument: 0, Key: 55, Vel: 100},
	}
	run := func(reload bool) []float32 {
		cfg := DefaultConfig(rate, 3)
		cfg.StreamFrames = 4096
		p, err := New(cfg, old)
		if err != nil {
			t.Fatal(err)
		}
		send(t, p, cmds...)
		var out []float32
		buf := make([]float32, 2*100)
		for p.Position() < 40000 {
			if p.Position() == 5000 {
				if reload {
					if err := p.StageBank(next); err != nil {
						t.Fatal(err)
					}
					send(t, p, Command{Op: SwapBank})
				}
				send(t, p, Command{Op: Stop, At: 30000, Track: 0, Clip: 1})
			}
			p.Prepare()
			p.Streamer().Fill(0)
			p.Render(buf)
			out = append(out, buf...)
			drainEvents(p)
		}
		if st := p.Stats(); st.StreamUnderruns != 0 {
			t.Fatalf("reload %v: %d underruns", reload, st.StreamUnderruns)
		}
		if reload && (p.bank != next || p.Uses(old, 2) != true) {
			t.Fatal("the swap did not happen, or the old note is not in use")
		}
		return out
	}
	want, got := run(false), run(true)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("frame %d: %v after the swap, %v without one", i/2, got[i], want[i])
		}
	}
	if firstNonZero(want[2*5000:2*5100]) < 0 || firstNonZero(want[2*39000:]) < 0 {
		t.Fatal("silence after the swap: the comparison shows nothing")
	}
}

// waitStreams waits (at most a second) until the streamer has written at
// least ahead frames past every busy stream's read point, or all of a
// one-shot's, so that a render against a streamer on its own goroutines
// does not run dry.
func waitStreams(t *testing.T, p *Player, ahead int64) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for i := range p.streams {
		st := &p.streams[i]
		for {
			state := st.state.Load()
			if state == streamFree || state == streamReleased {
				break
			}
			left := int64(st.frames) - int64(max(st.pre, st.start>>32))
			if w := st.written.Load(); state == streamActive && (w-st.read.Load() >= ahead || (st.loopLen == 0 && w >= left)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the streamer did not get ahead of stream %d", i)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
}

// TestSharedSourceStreamsOneReadAtATime: a long sample both banks share
// (the same Source, at index 0 in the old bank and 1 in the new), played by
// an old voice and a new voice at once, each in its own stream slot and so
// read by two of Run's readers: the Source never sees two reads at once,
// and both voices play it exactly (the output is their sum, frame for
// frame).
func TestSharedSourceStreamsOneReadAtATime(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	long := noiseBuffer(rng, 300000, 2)
	sb, _ := streamedBank(&Bank{Samples: []*audio.Buffer{long}}, 4800)
	x := &exclusive{Source: sb.Streams[0]}
	old := &Bank{Samples: sb.Samples, Streams: []audio.Source{x}}
	next := &Bank{Samples: []*audio.Buffer{noiseBuffer(rng, 1000, 2), sb.Samples[0]}, Streams: []audio.Source{nil, x}}
	cfg := DefaultConfig(rate, 2)
	cfg.StreamFrames = 32768
	p, err := New(cfg, old)
	if err != nil {
		t.Fatal(err)
	}
	const startB, offB = 2000, 100000 // the new voice's frame and its position in the sample
	send(t, p, Command{Op: PlayClip, Track: 0, Sample: 0, Clip: 1, Gain: 0.5})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { p.Streamer().Run(stop, time.Millisecond) })
	const block = 128
	out := make([]float32, 0, 2*150000)
	buf := make([]float32, 2*block)
	for p.Position() < 150000 {
		if p.Position() == 1024 {
			if err := p.StageBank(next); err != nil {
				t.Fatal(err)
			}
			send(t, p, Command{Op: SwapBank}, Command{Op: PlayClip, At: startB, Track: 1, Sample: 1, Clip: 2, Gain: 0.5, Start: Position(offB)})
		}
		p.Prepare()
		waitStreams(t, p, 4*block)
		p.Render(buf)
		out = append(out, buf...)
		drainEvents(p)
	}
	close(stop)
	wg.Wait()
	if n := x.overlap.Load(); n != 0 {
		t.Errorf("%d reads met another read of the shared Source", n)
	}
	if st := p.Stats(); st.StreamUnderruns != 0 || st.StreamsFull != 0 {
		t.Fatalf("%d underruns, %d voices without a stream", st.StreamUnderruns, st.StreamsFull)
	}
	for f := range 150000 {
		for c := range 2 {
			want := long.Data[2*f+c] * 0.5
			if f >= startB {
				want += long.Data[2*(f-startB+offB)+c] * 0.5
			}
			if got := out[2*f+c]; got != want {
				t.Fatalf("frame %d channel %d: %v, want %v", f, c, got, want)
			}
		}
	}
}

// TestReloadsFreeWhileRendering: the session reloads again and again while
// the audio goroutine renders and the streamer runs (run with -race): each
// new bank keeps some samples (the same Buffers and Sources, at new
// indices) and brings new ones; the session keeps playing clips and notes
// of whatever bank it last staged, and releases (poisons and frees) every
// sample a reload dropped as soon as Uses reports it unused. A voice,
// stream or waiting command still reading it would play the poison, race
// or crash. At the end every dropped sample is freed and every old bank's
// counts are zero.
func TestReloadsFreeWhileRendering(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	type sample struct {
		buf  *audio.Buffer // what the bank holds (a streamed sample's preload)
		full *audio.Buffer // a streamed sample's whole, read by src
		src  audio.Source
	}
	fresh := func() sample {
		if rng.IntN(3) == 0 {
			full := arenaBuffer(rng, 100000, 2)
			pre := &audio.Buffer{Rate: rate, Channels: 2, Data: audio.MakeSamples(2 * 40000)}
			copy(pre.Data, full.Data)
			return sample{buf: pre, full: full, src: &memSource{b: full}}
		}
		return sample{buf: arenaBuffer(rng, 70000+rng.IntN(40000), 1+rng.IntN(2))}
	}
	bankOf := func(ss []sample) *Bank {
		b := &Bank{Streams: make([]audio.Source, len(ss))}
		var zones []Zone
		for i, s := range ss {
			b.Samples = append(b.Samples, s.buf)
			b.Streams[i] = s.src
			if s.src == nil && len(zones) < 3 {
				zones = append(zones, Zone{Low: 0, High: 127, Root: uint8(50 + 5*len(zones)), Sample: int32(i), Gain: 0.3, Gate: rng.IntN(2) == 0})
			}
		}
		b.Instruments = []Instrument{{Zones: zones}}
		return b
	}
	cur := []sample{fresh(), fresh(), fresh(), fresh(), fresh()}
	bank := bankOf(cur)
	cfg := DefaultConfig(rate, 4)
	cfg.Voices, cfg.Streams, cfg.StreamFrames = 32, 8, 16384
	p, err := New(cfg, bank)
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { p.Streamer().Run(done, time.Millisecond) })
	wg.Go(func() { // the audio goroutine
		out := make([]float32, 2*128)
		for {
			select {
			case <-done:
				return
			default:
			}
			p.Render(out)
			time.Sleep(100 * time.Microsecond) // some 20 times as fast as a device
		}
	})

	type dropped struct {
		bank *Bank
		i    int32
		s    sample
	}
	var retired []dropped
	var banks []*Bank
	freed, freedStreamed := 0, 0
	free := func() {
		keep := retired[:0]
		for _, d := range retired {
			if p.Uses(d.bank, d.i) {
				keep = append(keep, d)
				continue
			}
			release(d.s.buf)
			freed++
			if d.s.full != nil {
				release(d.s.full)
				freedStreamed++
			}
		}
		retired = keep
	}
	play := func() {
		at := p.Position() + Frame(rng.IntN(3000))
		tr := int16(rng.IntN(4))
		switch rng.IntN(4) {
		case 0, 1:
			send(t, p, Command{Op: PlayClip, At: at, Track: tr, Sample: int32(rng.IntN(len(cur))), Clip: int32(rng.IntN(4)), Gain: 0.2,
				Start: Position(float64(rng.IntN(30000))), Loop: rng.IntN(2) == 0, LoopLen: LoopFrames(20000 + rng.Float64()*60000), LoopFade: 100})
		case 2:
			send(t, p, Command{Op: NoteOn, At: at, Track: tr, Key: uint8(40 + rng.IntN(40)), Vel: 100})
		default:
			send(t, p, Command{Op: Stop, At: at, Track: tr, Clip: int32(rng.IntN(5)) - 1})
		}
	}
	for round := range 40 {
		for range 5 {
			play()
			for range 4 { // free as soon as Uses allows: the riskiest moment
				drainEvents(p)
				free()
				time.Sleep(50 * time.Microsecond)
			}
		}
		// The next set: some samples kept (at new indices), some new.
		var next []sample
		for _, s := range cur {
			if rng.IntN(2) == 0 {
				next = append(next, s)
			}
		}
		for len(next) < 5 {
			next = append(next, fresh())
		}
		rng.Shuffle(len(next), func(i, j int) { next[i], next[j] = next[j], next[i] })
		nb := bankOf(next)
		for p.Staged() { // the last swap is not taken in yet
			time.Sleep(100 * time.Microsecond)
		}
		if err := p.StageBank(nb); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		send(t, p, Command{Op: SwapBank})
		for i, s := range cur {
			if !slices.Contains(next, s) {
				retired = append(retired, dropped{bank, int32(i), s})
			}
		}
		banks = append(banks, bank)
		bank, cur = nb, next
	}
	for tr := range int16(4) {
		send(t, p, Command{Op: Stop, At: p.Position() + 3000, Track: tr, Clip: -1})
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(retired) > 0 || p.Stats().Voices > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d dropped samples still in use, %d voices sounding", len(retired), p.Stats().Voices)
		}
		drainEvents(p)
		free()
		time.Sleep(time.Millisecond)
	}
	close(done)
	wg.Wait()
	for i, b := range banks {
		if h, n, v := refCounts(b); h != 0 || n != 0 || v != 0 {
			t.Errorf("bank %d: held %d, waiting %d, voices %d; want 0", i, h, n, v)
		}
	}
	if n, err := p.Streamer().Failures(); n != 0 {
		t.Errorf("%d failed reads: %v", n, err)
	}
	if n := p.Stats().Limited; n != 0 {
		t.Errorf("%d frames limited: a freed sample played", n)
	}
	if freedStreamed == 0 || freed < 40 {
		t.Fatalf("freed %d samples, %d of them streamed: too few to show anything", freed, freedStreamed)
	}
	t.Logf("freed %d samples (%d streamed) while rendering", freed, freedStreamed)
}

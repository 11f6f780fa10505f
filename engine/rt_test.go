package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gridbox/audio"
)

// TestRTImports enforces the realtime rule: *_rt.go files import only math
// and sync/atomic, start no goroutines, and call none of make, new, panic,
// print or println.
func TestRTImports(t *testing.T) {
	files, _ := filepath.Glob("*_rt.go")
	if len(files) == 0 {
		t.Fatal("no _rt.go files")
	}
	allowed := map[string]bool{"math": true, "sync/atomic": true}
	banned := map[string]bool{"make": true, "new": true, "panic": true, "print": true, "println": true}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !allowed[path] {
				t.Errorf("%s imports %q; realtime files may import only math and sync/atomic", name, path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				t.Errorf("%s: go statement in realtime code", name)
			case *ast.ChanType, *ast.SelectStmt, *ast.SendStmt:
				t.Errorf("%s: channel use in realtime code", name)
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && banned[id.Name] {
					t.Errorf("%s: call to %s in realtime code", name, id.Name)
				}
			}
			return true
		})
	}
}

func loopBank(voices int) *Bank { return loopBankOf(voices, false) }

// loopBankOf makes distinct stereo loops of a few seconds, like real clips,
// as float32 or (pcm16) 16-bit samples.
func loopBankOf(voices int, pcm16 bool) *Bank {
	b := &Bank{}
	for i := 0; i < voices; i++ {
		n := rate*2 + i*97
		buf := &audio.Buffer{Rate: rate, Channels: 2}
		if pcm16 {
			buf.PCM16 = make([]int16, 2*n)
			for j := range buf.PCM16 {
				buf.PCM16[j] = int16((j%200 - 100) * 32)
			}
		} else {
			buf.Data = make([]float32, 2*n)
			for j := range buf.Data {
				buf.Data[j] = float32(j%200-100) / 1000
			}
		}
		b.Samples = append(b.Samples, buf)
	}
	b.Samples = append(b.Samples, constant(4800, 0.3))
	b.Instruments = []Instrument{{Zones: []Zone{{Low: 0, High: 127, Root: 60, Sample: int32(len(b.Samples) - 1), Gain: 1, Gate: true}}}}
	return b
}

// busyPlayer has voices looping clips spread over 16 tracks.
func busyPlayer(t testing.TB, voices int) *Player { return busyPlayerOf(t, voices, false) }

func busyPlayerOf(t testing.TB, voices int, pcm16 bool) *Player {
	b := loopBankOf(voices, pcm16)
	// Instrument 1 is a SoundFont: 8 voices at most, key 36 in exclusive class 1.
	sf, buf := testSoundFont(int32(len(b.Samples)))
	sf.Polyphony = 8
	sf.keys[36] = []int32{1}
	sf.regions[1].velHi = 127
	b.Samples = append(b.Samples, buf)
	b.Instruments = append(b.Instruments, Instrument{SoundFont: sf})
	p := newPlayer(t, b, 16)
	for i := 0; i < voices; i++ {
		send(t, p, Command{Op: PlayClip, Sample: int32(i), Gain: 0.1, Track: int16(i % 16), Clip: int32(i), Loop: true, LoopLen: LoopFrames(float64(rate) * 1.5)})
	}
	out := make([]float32, 256)
	p.Render(out)
	for {
		if _, ok := p.PollEvent(); !ok {
			break
		}
	}
	return p
}

func drainEvents(p *Player) {
	for {
		if _, ok := p.PollEvent(); !ok {
			return
		}
	}
}

// TestRenderDoesNotAllocate holds Render to zero allocations in every
// scenario of issue #2. It must not run in parallel (AllocsPerRun).
func TestRenderDoesNotAllocate(t *testing.T) {
	out := make([]float32, 2*128)
	cases := []struct {
		name   string
		voices int
		before func(p *Player) // runs outside the measured call
	}{
		{"idle", 0, nil},
		{"64 voices", 64, nil},
		{"64 voices, 16-bit samples", -64, nil},
		{"256 voices and steals", 256, func(p *Player) {
			p.Send(Command{Op: NoteOn, At: p.Position() + 5, Instrument: 0, Key: 64, Vel: 100})
		}},
		{"launch and stop mid-block", 64, func(p *Player) {
			at := p.Position()
			p.Send(Command{Op: Stop, At: at + 17, Track: 3, Clip: -1})
			p.Send(Command{Op: PlayClip, At: at + 17, Track: 3, Sample: 3, Gain: 1, Clip: 99, Loop: true, LoopLen: LoopFrames(1000)})
			p.Send(Command{Op: NoteOn, At: at + 50, Track: 4, Key: 62, Vel: 90})
			p.Send(Command{Op: NoteOff, At: at + 90, Track: 4, Key: 62})
		}},
		{"live notes", 64, func(p *Player) {
			at := p.Position()
			p.Send(Command{Op: NoteOn, Now: true, At: at - 100, Track: 5, Key: 61, Vel: 100})
			p.Send(Command{Op: NoteOff, Now: true, At: at - 50, Track: 5, Key: 60})
		}},
		{"scene change", 64, func(p *Player) {
			at := p.Position() + 64
			for tr := int16(0); tr < 16; tr++ {
				p.Send(Command{Op: Stop, At: at, Track: tr, Clip: -1})
				p.Send(Command{Op: PlayClip, At: at, Track: tr, Sample: int32(tr), Gain: 0.1, Clip: int32(tr), Loop: true, LoopLen: LoopFrames(96000)})
			}
		}},
		{"tempo change", 64, func(p *Player) {
			// A tempo change re-times what the sequencer sends: new loop
			// lengths and a burst of track ramps.
			at := p.Position() + 3
			for tr := int16(0); tr < 16; tr++ {
				p.Send(Command{Op: PlayClip, At: at, Track: tr, Sample: int32(tr), Gain: 0.1, Clip: int32(100 + tr), Loop: true, LoopLen: LoopFrames(90494.89)})
				p.Send(Command{Op: SetTrack, At: at + 40, Track: tr, Gain: 0.5, Pan: 0.3})
			}
		}},
		{"legato switches and loop crossfades", 64, func(p *Player) {
			at := p.Position() + 10
			for tr := int16(0); tr < 16; tr++ {
				p.Send(Command{Op: PlayClip, At: at, Track: tr, Sample: int32(tr), Gain: 0.1, Clip: int32(200 + tr), Loop: true,
					LoopLen: LoopFrames(300.5), LoopFade: 100, Legato: true, Start: Position(77)})
			}
		}},
		{"stops known ahead", 64, func(p *Player) {
			at := p.Position() + 300
			for tr := int16(0); tr < 16; tr++ {
				p.Send(Command{Op: Stop, At: at, Track: tr, Clip: -1})
				p.Send(Command{Op: PlayClip, At: at, Track: tr, Sample: int32(tr), Gain: 0.1, Clip: int32(tr), Loop: true, LoopLen: LoopFrames(96000)})
			}
		}},
		{"SoundFont notes, polyphony, exclusive class and controllers", 64, func(p *Player) {
			at := p.Position() + 7
			for k := uint8(0); k < 12; k++ {
				p.Send(Command{Op: NoteOn, At: at + Frame(k), Track: 6, Instrument: 1, Key: 36 + 2*k%5, Vel: 100})
				p.Send(Command{Op: NoteOff, At: at + Frame(k) + 60, Track: 6, Key: 36 + 2*k%5})
			}
			p.Send(Command{Op: Controller, At: at + 30, Track: 6, Control: PitchBend, Value: uint16(at) % 16384})
			p.Send(Command{Op: Controller, At: at + 40, Track: 6, Control: 1, Value: uint16(at) % 128})
			p.Send(Command{Op: Controller, Now: true, Track: 6, Control: 7, Value: uint16(at) % 128})
		}},
		{"64 streamed voices", 64, nil},
		{"command ring full", 64, func(p *Player) {
			for p.Send(Command{Op: SetTrack, At: p.Position() + 1000, Track: 1, Gain: 1}) {
			}
		}},
	}
	for _, c := range cases {
		p := busyPlayer(t, c.voices)
		if c.voices < 0 {
			p = busyPlayerOf(t, -c.voices, true)
		}
		if strings.Contains(c.name, "streamed") {
			p = streamingPlayer(t, c.voices)
			c.before = func(p *Player) { p.Streamer().Fill(0) }
		}
		// Warm up and run the scenario several times outside measurement,
		// then measure the calls that follow it.
		n := testing.AllocsPerRun(50, func() {
			if c.before != nil {
				c.before(p)
			}
			p.Render(out)
			drainEvents(p)
		})
		// The scenario setup itself (Send, PollEvent) must not allocate
		// either: both are on the session's hot path.
		if n != 0 {
			t.Errorf("%s: %v allocations per block, want 0", c.name, n)
		}
		if st := p.Stats(); (c.name == "64 voices" || c.name == "64 streamed voices") && (st.Voices != 64 || st.StreamUnderruns != 0) {
			t.Errorf("%s: %d voices sounding, %d underruns", c.name, st.Voices, st.StreamUnderruns)
		}
	}
}

// streamingPlayer is busyPlayer with every loop streamed from a 4800-frame
// preload: stream rings wrap and passes follow one another.
func streamingPlayer(t testing.TB, voices int) *Player {
	bank, _ := streamedBank(loopBank(voices), 4800)
	bank.Streams[len(bank.Streams)-1] = nil // the instrument's sample stays in memory
	bank.Samples[len(bank.Samples)-1] = loopBank(1).Samples[1]
	p := newPlayer(t, bank, 16)
	for i := 0; i < voices; i++ {
		p.Send(Command{Op: PlayClip, Track: int16(i % 16), Sample: int32(i), Gain: 0.01, Clip: int32(i), Loop: true, LoopLen: LoopFrames(float64(rate * 2)), LoopFade: 200})
	}
	out := make([]float32, 2*128)
	for range 50 {
		p.Streamer().Fill(0)
		p.Render(out)
	}
	drainEvents(p)
	return p
}

// TestConcurrentSendAndRender runs a producer and the renderer at once; run
// it with -race.
func TestConcurrentSendAndRender(t *testing.T) {
	p := newPlayer(t, loopBank(8), 8)
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() { // the session goroutine: sends commands and drains events
		defer wg.Done()
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			select {
			case <-done:
				return
			default:
			}
			at := p.Position() + Frame(rng.IntN(2000))
			tr := int16(rng.IntN(8))
			switch rng.IntN(4) {
			case 0:
				p.Send(Command{Op: PlayClip, At: at, Track: tr, Sample: int32(rng.IntN(8)), Gain: 0.2, Loop: true, LoopLen: LoopFrames(5000)})
			case 1:
				p.Send(Command{Op: Stop, At: at, Track: tr, Clip: -1})
			case 2:
				p.Send(Command{Op: NoteOn, At: at, Track: tr, Key: uint8(rng.IntN(128)), Vel: 100})
			default:
				p.Send(Command{Op: SetTrack, At: at, Track: tr, Gain: rng.Float32(), Pan: rng.Float32()*2 - 1})
			}
			for {
				if _, ok := p.PollEvent(); !ok {
					break
				}
			}
			_ = p.Stats()
		}
	}()
	out := make([]float32, 256)
	for i := 0; i < 3000; i++ {
		p.Render(out)
		for _, s := range out {
			if s > 1 || s < -1 || s != s {
				t.Fatalf("bad sample %v", s)
			}
		}
	}
	close(done)
	wg.Wait()
	if p.Position() != 3000*128 {
		t.Fatalf("position %d", p.Position())
	}
}

// rotated returns b's samples (and streams) at index i+1 (the last at 0),
// with its instruments' zones following them: a reloaded set in which
// nothing changed but every index.
func rotated(b *Bank) *Bank {
	n := len(b.Samples)
	r := &Bank{Samples: make([]*audio.Buffer, n)}
	if len(b.Streams) > 0 {
		r.Streams = make([]audio.Source, n)
	}
	for i := range n {
		r.Samples[(i+1)%n] = b.Samples[i]
		if r.Streams != nil {
			r.Streams[(i+1)%n] = b.Streams[i]
		}
	}
	for _, in := range b.Instruments {
		zs := slices.Clone(in.Zones)
		for j := range zs {
			zs[j].Sample = (zs[j].Sample + 1) % int32(n)
		}
		ri := Instrument{Zones: zs}
		if in.SoundFont != nil {
			sf := *in.SoundFont
			sf.Sample = (sf.Sample + 1) % int32(n)
			ri.SoundFont = &sf
		}
		r.Instruments = append(r.Instruments, ri)
	}
	return r
}

// TestSwapBankDoesNotAllocate: blocks in which a SwapBank is taken in,
// with commands on both sides of it, allocate nothing, for banks in memory
// and banks that stream (then with the streamer's Fill between blocks).
// StageBank, on the control side, may allocate: only Render is measured,
// as AllocsPerRun measures. It must not run in parallel.
func TestSwapBankDoesNotAllocate(t *testing.T) {
	for _, streamed := range []bool{false, true} {
		// The count is the process's: another goroutine allocating while
		// a block renders (the runtime's, on a loaded machine) counts
		// too. An allocation of Render's own comes back in a second run;
		// such noise does not.
		allocs := swapBankAllocs(t, streamed)
		if allocs != 0 {
			t.Logf("streamed %v: %d allocations in 50 blocks with a swap; measuring again", streamed, allocs)
			allocs = swapBankAllocs(t, streamed)
		}
		if allocs != 0 {
			t.Errorf("streamed %v: %d allocations in 50 blocks with a swap, want 0", streamed, allocs)
		}
	}
}

// swapBankAllocs renders 60 blocks with a SwapBank in each and returns
// the allocations counted in the last 50.
func swapBankAllocs(t *testing.T, streamed bool) uint64 {
	t.Helper()
	out := make([]float32, 2*128)
	{
		p := busyPlayer(t, 64)
		if streamed {
			p = streamingPlayer(t, 64)
		}
		banks := []*Bank{rotated(p.bank), p.bank}
		var allocs uint64
		var before, after runtime.MemStats
		for k := range 60 {
			at := p.Position() + 40
			send(t, p, Command{Op: PlayClip, At: at + 20, Track: 1, Sample: int32(k % 64), Gain: 0.1, Clip: 300, Loop: true, LoopLen: LoopFrames(90000), LoopFade: 100})
			if err := p.StageBank(banks[k%2]); err != nil {
				t.Fatal(err)
			}
			send(t, p, Command{Op: SwapBank},
				Command{Op: PlayClip, At: at, Track: 2, Sample: int32(k % 64), Gain: 0.1, Clip: 301, Loop: true, LoopLen: LoopFrames(90000), Legato: true},
				Command{Op: NoteOn, At: at + 5, Track: 3, Instrument: 0, Key: 60, Vel: 100},
				Command{Op: NoteOn, At: at + 6, Track: 4, Instrument: 1, Key: 60, Vel: 100},
				Command{Op: Stop, At: at + 300, Track: 1, Clip: -1})
			if streamed {
				p.Streamer().Fill(0) // streams claimed before the swap start
			}
			runtime.ReadMemStats(&before)
			p.Render(out)
			runtime.ReadMemStats(&after)
			if k >= 10 { // warmed up
				allocs += after.Mallocs - before.Mallocs
			}
			if p.Staged() {
				t.Fatal("the SwapBank was not taken in")
			}
			drainEvents(p)
		}
		if st := p.Stats(); st.StreamUnderruns != 0 {
			t.Errorf("streamed %v: %d underruns", streamed, st.StreamUnderruns)
		}
		return allocs
	}
}

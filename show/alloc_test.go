package show

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/wav"
	"gridbox/engine"
	"gridbox/show/showtest"
)

// TestPerformingAllocatesNothing plays the demo performance through
// render's clock's turns (script events, session, lights, engine, streamer,
// offline device, WAV writer) and counts heap allocations process-wide with runtime/metrics over
// 40 s of music after a 10 s warm-up: allocation drives the garbage
// collector, whose pauses would reach the audio thread.
func TestPerformingAllocatesNothing(t *testing.T) {
	const rate = 48000
	e := &Env{Stdout: io.Discard, Stderr: io.Discard}
	demo := filepath.Join(showtest.Root(), "sets/demo")
	mem := e.memory()
	mem.ring = renderRing
	l, p, err := prepare(e, filepath.Join(demo, "demo.toml"), filepath.Join(demo, "demo.perf"), rate, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if n, where := performAllocs(t, e, p, rate, 10, 40); n != 0 {
		t.Fatalf("%d heap allocations while performing 40 s of the demo, want 0; where:\n%s", n, where)
	}
	if p.player.Stats().PeakVoices < 5 {
		t.Fatalf("the demo hardly played: %+v", p.player.Stats())
	}
}

// performAllocs plays p through render's clock's turns for warm seconds,
// then counts the heap allocations made process-wide while it plays
// seconds more; where says which stacks made them.
func performAllocs(t *testing.T, e *Env, p *Show, rate, warm, seconds int) (n uint64, where string) {
	t.Helper()
	f := audio.Format{SampleRate: rate, Channels: 2}
	ww, err := wav.NewWriter(&discard{}, f, wav.Float32)
	if err != nil {
		t.Fatal(err)
	}
	c, err := newRenderClock(e, nil, p, f, engine.Never, ww)
	if err != nil {
		t.Fatal(err)
	}
	defer c.dev.Close()
	play := func(seconds int) {
		for end := c.pos + engine.Frame(seconds*rate); c.pos < end; {
			now, _ := c.next()
			c.commit(now)
			if _, _, err := c.turn(now); err != nil {
				t.Fatal(err)
			}
		}
	}
	play(warm)
	// The count is process-wide: let the garbage of earlier tests (open
	// files, child processes) be collected and finalized first, and keep
	// the collector from running finalizers inside the window. Every
	// allocation render's clock makes is still counted; on a failure the
	// profile says where they came from.
	defer func(r int) { runtime.MemProfileRate = r }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	before := allocRecords()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(sample)
	start := sample[0].Value.Uint64()
	play(seconds)
	metrics.Read(sample)
	if n = sample[0].Value.Uint64() - start; n != 0 {
		where = newAllocs(before)
	}
	return n, where
}

// discard is an io.WriteSeeker that keeps nothing.
type discard struct{ n int64 }

func (d *discard) Write(b []byte) (int, error) { d.n += int64(len(b)); return len(b), nil }
func (d *discard) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		d.n = off
	}
	return d.n, nil
}

// allocRecords returns the heap profile's allocation counts by stack (as
// of the last collection).
func allocRecords() map[[32]uintptr]int64 {
	n, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, n+64)
	n, _ = runtime.MemProfile(recs, true)
	out := make(map[[32]uintptr]int64, n)
	for _, r := range recs[:n] {
		out[r.Stack0] = r.AllocObjects
	}
	return out
}

// newAllocs describes the stacks that allocated since before.
func newAllocs(before map[[32]uintptr]int64) string {
	debug.SetGCPercent(100)
	runtime.GC()
	runtime.GC()
	var b strings.Builder
	for stack, n := range allocRecords() {
		if d := n - before[stack]; d > 0 {
			fmt.Fprintf(&b, "%d objects:\n", d)
			frames := runtime.CallersFrames(stack[:])
			for {
				f, more := frames.Next()
				if f.Function != "" {
					fmt.Fprintf(&b, "\t%s %s:%d\n", f.Function, filepath.Base(f.File), f.Line)
				}
				if !more {
					break
				}
			}
		}
	}
	return b.String()
}

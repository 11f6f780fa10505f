package offline_test

import (
	"errors"
	"io"
	"testing"

	"gridbox/audio"
	"gridbox/audio/offline"
)

// ramp is a Source whose sample of channel c at frame k is k*10 + c + 1,
// for frames frames; a read at or past fail (if not 0) fails.
type ramp struct {
	channels int
	frames   int64
	fail     int64
}

func (r *ramp) Channels() int                { return r.channels }
func (r *ramp) Frames() int64                { return r.frames }
func (r *ramp) value(k int64, c int) float32 { return float32(k*10 + int64(c) + 1) }

func (r *ramp) ReadFrames(dst []float32, at int64) (int, error) {
	if r.fail > 0 && at+int64(len(dst)/r.channels) > r.fail {
		return 0, errors.New("disk on fire")
	}
	n := 0
	for ; n < len(dst)/r.channels && at+int64(n) < r.frames; n++ {
		for c := range r.channels {
			dst[n*r.channels+c] = r.value(at+int64(n), c)
		}
	}
	if n < len(dst)/r.channels {
		return n, io.EOF
	}
	return n, nil
}

// tape is an InputSink that keeps what it was given, taking at most
// limit frames of each write when limit > 0.
type tape struct {
	channels int
	limit    int
	got      []float32
	writes   int
}

func (t *tape) WriteInput(frames []float32) int {
	t.writes++
	n := len(frames) / t.channels
	if t.limit > 0 {
		n = min(n, t.limit)
	}
	t.got = append(t.got, frames[:n*t.channels]...)
	return n
}

// TestFeed_FramesExact: at block sizes 64, 128 and 333, mono and stereo,
// input frame k is source frame k exactly, a whole block is written
// before each Render (so frame k of the input is there when frame k is
// rendered), and past the source's end the input is silence.
func TestFeed_FramesExact(t *testing.T) {
	for _, block := range []int{64, 128, 333} {
		for _, channels := range []int{1, 2} {
			src := &ramp{channels: channels, frames: 1000}
			sink := &tape{channels: channels}
			d := offline.New(audio.Format{SampleRate: 48000, Channels: 2}, block)
			d.Feed(src, sink)
			if d.InputChannels() != channels {
				t.Fatalf("InputChannels = %d, want %d", d.InputChannels(), channels)
			}
			rendered := 0
			if err := d.Start(audio.RendererFunc(func(out []float32) {
				if in := len(sink.got) / channels; in != rendered+block {
					t.Fatalf("block %d, %d channels: Render of frames %d.. with %d input frames given; want %d",
						block, channels, rendered, in, rendered+block)
				}
				rendered += len(out) / 2
			})); err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, n := range []int{1, 500, 77, 1000, 999} {
				d.Pull(n)
				total += n
			}
			blocks := (total + block - 1) / block
			if len(sink.got) != blocks*block*channels || sink.writes != blocks {
				t.Fatalf("block %d, %d channels: %d samples in %d writes, want %d blocks of %d frames",
					block, channels, len(sink.got), sink.writes, blocks, block)
			}
			for k := range blocks * block {
				for c := range channels {
					want := float32(0)
					if k < int(src.frames) {
						want = src.value(int64(k), c)
					}
					if got := sink.got[k*channels+c]; got != want {
						t.Fatalf("block %d, %d channels: input frame %d channel %d = %v, want %v", block, channels, k, c, got, want)
					}
				}
			}
			if st := d.InputStats(); st.Captured != uint64(blocks*block) || st.Dropped != 0 || st.Overruns != 0 {
				t.Errorf("InputStats = %+v, want %d captured", st, blocks*block)
			}
			if d.InputErr() != nil {
				t.Errorf("InputErr = %v", d.InputErr())
			}
		}
	}
}

// TestFeed_SinkFullAndReadError: what the sink does not take is counted
// dropped, and a source that fails leaves silence and InputErr.
func TestFeed_SinkFullAndReadError(t *testing.T) {
	src := &ramp{channels: 2, frames: 10000, fail: 200}
	sink := &tape{channels: 2, limit: 50}
	d := offline.New(audio.Format{SampleRate: 48000, Channels: 2}, 64)
	d.Feed(src, sink)
	d.Start(audio.RendererFunc(func(out []float32) { clear(out) }))
	d.Pull(64 * 5)
	if st := d.InputStats(); st.Captured != 64*5 || st.Dropped != 14*5 {
		t.Errorf("InputStats = %+v, want 320 captured, 70 dropped", st)
	}
	// Blocks 0..2 read frames 0..191; block 3 would read up to 255 and fails.
	if d.InputErr() == nil || d.InputErr().Error() != "disk on fire" {
		t.Errorf("InputErr = %v, want the source's error", d.InputErr())
	}
	for i, v := range sink.got[3*50*2:] {
		if v != 0 {
			t.Fatalf("sample %d after the read error = %v, want silence", 3*50*2+i, v)
		}
	}
	if sink.got[2*50*2] != src.value(128, 0) {
		t.Errorf("block 2 starts with %v, want source frame 128", sink.got[2*50*2])
	}
}

// TestFeed_Capturer: the device is an audio.Capturer: Capture sets the
// sink for Feed's source; without a source there is no input.
func TestFeed_Capturer(t *testing.T) {
	d := offline.New(audio.Format{SampleRate: 48000, Channels: 2}, 128)
	var c audio.Capturer = d
	if c.InputChannels() != 0 {
		t.Errorf("InputChannels without a source = %d", c.InputChannels())
	}
	src := &ramp{channels: 1, frames: 10}
	d.Feed(src, nil)
	sink := &tape{channels: 1}
	c.Capture(sink)
	d.Start(audio.RendererFunc(func(out []float32) { clear(out) }))
	d.Pull(1)
	if len(sink.got) != 128 || sink.got[9] != src.value(9, 0) || sink.got[10] != 0 {
		t.Errorf("Capture's sink got %d frames: %v", len(sink.got), sink.got[:12])
	}
	if in, out := c.Latency(); in != 0 || out != 0 {
		t.Errorf("Latency = %v, %v; want 0, 0", in, out)
	}
}

// nullSink takes every frame and keeps none.
type nullSink struct{}

func (nullSink) WriteInput(frames []float32) int { return len(frames) / 2 }

func TestFeed_DoesNotAllocate(t *testing.T) {
	for _, block := range []int{64, 128, 333} {
		d := offline.New(audio.Format{SampleRate: 48000, Channels: 2}, block)
		d.Feed(&ramp{channels: 2, frames: 1 << 20}, nullSink{})
		d.Start(audio.RendererFunc(func(out []float32) { clear(out) }))
		d.Pull(1000)
		if n := testing.AllocsPerRun(200, func() { d.Pull(block) }); n != 0 {
			t.Fatalf("block %d: Pull with an input allocated %v times per call, want 0", block, n)
		}
	}
}

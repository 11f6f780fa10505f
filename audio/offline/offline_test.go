package offline_test

import (
	"testing"

	"gridbox/audio"
	"gridbox/audio/offline"
)

// counter renders frame numbers and records the block sizes it was asked for.
type counter struct {
	next   float32
	blocks []int
}

func (c *counter) Render(out []float32) {
	c.blocks = append(c.blocks, len(out)/2)
	for i := 0; i < len(out); i += 2 {
		out[i], out[i+1] = c.next, -c.next
		c.next++
	}
}

func TestPullKeepsSurplusAndBlockSize(t *testing.T) {
	d := offline.New(audio.Format{SampleRate: 48000, Channels: 2}, 128)
	c := &counter{}
	if err := d.Start(c); err != nil {
		t.Fatal(err)
	}
	var want float32
	total := 0
	for _, n := range []int{100, 1, 27, 0, 300, 128, 129, 1000} {
		out := d.Pull(n)
		if len(out) != 2*n {
			t.Fatalf("Pull(%d) returned %d samples", n, len(out))
		}
		for i := 0; i < len(out); i += 2 {
			if out[i] != want || out[i+1] != -want {
				t.Fatalf("after %d frames: got %v,%v, want %v,%v", total+i/2, out[i], out[i+1], want, -want)
			}
			want++
		}
		total += n
	}
	for i, b := range c.blocks {
		if b != 128 {
			t.Fatalf("Render call %d got %d frames, want 128", i, b)
		}
	}
	wantBlocks := (total + 127) / 128
	if got := d.Stats().Blocks; got != uint64(wantBlocks) || len(c.blocks) != wantBlocks {
		t.Fatalf("Blocks = %d (%d Render calls), want %d", got, len(c.blocks), wantBlocks)
	}
	if d.Frames() != int64(total) {
		t.Fatalf("Frames = %d, want %d", d.Frames(), total)
	}
}

func TestPullBeforeStartAndAfterCloseIsSilent(t *testing.T) {
	d := offline.New(audio.Format{SampleRate: 48000, Channels: 1}, 64)
	for _, v := range d.Pull(10) {
		if v != 0 {
			t.Fatal("Pull before Start is not silent")
		}
	}
	if err := d.Start(audio.RendererFunc(func(out []float32) {
		for i := range out {
			out[i] = 1
		}
	})); err != nil {
		t.Fatal(err)
	}
	if d.Pull(1)[0] != 1 {
		t.Fatal("Pull after Start did not render")
	}
	if err := d.Start(audio.RendererFunc(func([]float32) {})); err == nil {
		t.Fatal("second Start succeeded")
	}
	d.Close()
	if d.Pull(1)[0] != 0 {
		t.Fatal("Pull after Close is not silent")
	}
	if d.Stats().Blocks != 1 {
		t.Fatalf("Blocks = %d, want 1", d.Stats().Blocks)
	}
}

func TestPullDoesNotAllocate(t *testing.T) {
	d := offline.New(audio.Format{SampleRate: 48000, Channels: 2}, 128)
	d.Start(audio.RendererFunc(func(out []float32) { clear(out) }))
	d.Pull(1000)
	if n := testing.AllocsPerRun(1000, func() { d.Pull(333) }); n != 0 {
		t.Fatalf("Pull allocated %v times per call, want 0", n)
	}
}

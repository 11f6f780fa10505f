package oto

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/ring"
	"gridbox/audio/ring/ringtest"
)

// byteConsumer stands in for oto's mux: it pulls bytes through reader.Read
// and turns them back into floats.
type byteConsumer struct {
	rd        *reader
	buf       []byte
	underruns uint64
}

func (c *byteConsumer) Consume(out []float32) {
	if cap(c.buf) < 4*len(out) {
		c.buf = make([]byte, 4*len(out))
	}
	n, _ := c.rd.Read(c.buf[:4*len(out)])
	for i := range n / 4 {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(c.buf[4*i:]))
	}
	if n/4 < len(out) {
		clear(out[n/4:])
		c.underruns++
	}
}

func (c *byteConsumer) Underruns() uint64 { return c.underruns }

// TestRampThroughReader is T5 through the ring and the byte conversion oto
// sees.
func TestRampThroughReader(t *testing.T) {
	cfg := ring.Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: 128, Lead: 4, Sleep: time.Sleep}
	ringtest.RampTest(t, cfg, func(t *testing.T, cfg ring.Config) (*ring.Ring, ringtest.Consumer) {
		r := ring.New(cfg.Frames(), cfg.Format.Channels)
		return r, &byteConsumer{rd: newReader(r, cfg.Block)}
	})
}

func TestReadWholeFramesLittleEndian(t *testing.T) {
	r := ring.New(8, 2)
	rd := newReader(r, 4)
	r.Write([]float32{0.5, -0.25, 1, -1, 3, 4})
	p := make([]byte, 13) // room for 1 frame (8 bytes) and a bit
	if n, err := rd.Read(p); n != 8 || err != nil {
		t.Fatalf("Read = %d, %v; want 8 bytes (one whole frame)", n, err)
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(p[4:])); got != -0.25 {
		t.Fatalf("second sample = %v, want -0.25", got)
	}
	p = make([]byte, 64)
	if n, _ := rd.Read(p); n != 16 {
		t.Fatalf("Read = %d bytes, want the 2 remaining frames (16 bytes)", n)
	}
	if n, err := rd.Read(p); n != 0 || err != nil {
		t.Fatalf("Read of an empty ring = %d, %v; want 0, nil", n, err)
	}
	if got := rd.underruns.Load(); got != 0 {
		t.Fatalf("underruns = %d without a player, want 0", got)
	}
}

func TestReadDoesNotAllocate(t *testing.T) {
	r := ring.New(512, 2)
	rd := newReader(r, 128)
	block := make([]float32, 256)
	p := make([]byte, 4096)
	if n := testing.AllocsPerRun(1000, func() {
		r.Write(block)
		rd.Read(p)
	}); n != 0 {
		t.Fatalf("Read allocated %v times per call, want 0", n)
	}
}

package ring_test

import (
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/ring"
	"gridbox/audio/ring/ringtest"
)

// goConsumer is the Go stand-in for a device callback: copy, pad, count.
type goConsumer struct {
	r         *ring.Ring
	underruns uint64
}

func (c *goConsumer) Consume(out []float32) {
	n := c.r.Read(out) * c.r.Channels()
	if n < len(out) {
		clear(out[n:])
		c.underruns++
	}
}

func (c *goConsumer) Underruns() uint64 { return c.underruns }

// TestRamp is T5 with a Go consumer.
func TestRamp(t *testing.T) {
	cfg := ring.Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: 128, Lead: 4, Sleep: time.Sleep}
	ringtest.RampTest(t, cfg, func(t *testing.T, cfg ring.Config) (*ring.Ring, ringtest.Consumer) {
		r := ring.New(cfg.Frames(), cfg.Format.Channels)
		return r, &goConsumer{r: r}
	})
}

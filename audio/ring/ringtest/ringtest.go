package ringtest

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/audio"
	"gridbox/audio/ring"
)

// A Consumer is the device end of a pipe under test. Consume copies
// len(out)/channels frames out of the ring into out, fills any shortfall
// with silence and counts it as one underrun. Underruns returns that count.
// Both are called from the test's device goroutine only.
type Consumer interface {
	Consume(out []float32)
	Underruns() uint64
}

// Step is the ramp's increment per frame: a power of two, so every value up
// to 2²⁴ steps is exact in float32 and stays below 1.0 for 2¹⁸ frames.
const Step = 1.0 / (1 << 18)

// RampTest renders a frame counter (frame n carries (n+1)·Step on channel 0
// and its negative on the others) through a Filler into the Ring returned by
// newPipe, and drains it with the Consumer once per period, in virtual time.
// It injects 1000 render stalls of 0.5…(Lead−1) periods, which the lead must
// absorb, and 100 stalls of Lead+¼ periods, each of which must cost exactly
// one block of silence. It then checks:
//
//   - no discontinuity: with the silent blocks removed, the output is the
//     ramp with no frame missing or repeated;
//   - exactly 100 underruns, counted by the Consumer and seen as 100 silent
//     blocks, each directly after a long stall (attributed);
//   - output resumes in the block after each underrun.
//
// Policy checked here (and documented in audio/ring): an underrun inserts
// silence and delays everything after it; no rendered frame is dropped to
// catch up, so the transport position runs late by the silence inserted.
//
// cfg.Lead must be at least 3; cfg.Priority should be 0.
func RampTest(t *testing.T, cfg ring.Config, newPipe func(t *testing.T, cfg ring.Config) (*ring.Ring, Consumer)) {
	t.Helper()
	if cfg.Lead < 3 {
		t.Fatalf("RampTest needs Lead ≥ 3, got %d", cfg.Lead)
	}
	synctest.Test(t, func(t *testing.T) {
		rampTest(t, cfg, newPipe)
	})
}

const (
	shortStalls = 1000
	longStalls  = 100
)

// stallPlan returns the render stall for each block index: one stall every
// spacing blocks, long ones spread evenly among the short ones.
func stallPlan(cfg ring.Config, period time.Duration) (plan map[int]time.Duration, long map[int]bool, blocks int) {
	spacing := 2*cfg.Lead + 4 // room to refill completely between stalls
	plan = make(map[int]time.Duration)
	long = make(map[int]bool)
	n := shortStalls + longStalls
	for i := range n {
		b := (i + 1) * spacing
		if i%(n/longStalls) == n/longStalls-1 {
			plan[b] = period*time.Duration(cfg.Lead) + period/4
			long[b] = true
			continue
		}
		// 0.5 … Lead−1 periods, in even steps.
		k := i % 20
		frac := 0.5 + float64(k)/19*(float64(cfg.Lead-1)-0.5)
		plan[b] = time.Duration(frac * float64(period))
	}
	return plan, long, (n + 2) * spacing
}

func rampTest(t *testing.T, cfg ring.Config, newPipe func(t *testing.T, cfg ring.Config) (*ring.Ring, Consumer)) {
	ch := cfg.Format.Channels
	period := cfg.Format.Duration(int64(cfg.Block))
	plan, long, blocks := stallPlan(cfg, period)
	if blocks*cfg.Block >= 1<<24 {
		t.Fatalf("ramp too long for float32: %d frames", blocks*cfg.Block)
	}

	r, c := newPipe(t, cfg)
	var frame, block int
	var stalledLong []int // frame index of the first frame rendered after each long stall
	rd := audio.RendererFunc(func(out []float32) {
		if d, ok := plan[block]; ok {
			time.Sleep(d) // a GC pause or preemption on the render goroutine
			if long[block] {
				stalledLong = append(stalledLong, frame)
			}
		}
		for i := 0; i < len(out); i += ch {
			frame++
			v := float32(frame) * Step
			out[i] = v
			for j := 1; j < ch; j++ {
				out[i+j] = -v
			}
		}
		block++
	})

	f := ring.NewFiller(r, cfg)
	f.Start(rd)

	// The device: one block per period on an absolute schedule.
	total := blocks + longStalls + 4*cfg.Lead // each underrun delays the rest by one block
	out := make([]float32, total*cfg.Block*ch)
	start := time.Now()
	for k := range total {
		time.Sleep(time.Until(start.Add(time.Duration(k+1) * period)))
		c.Consume(out[k*cfg.Block*ch : (k+1)*cfg.Block*ch])
	}
	f.Stop()

	// Walk the output block by block.
	var next float32 = Step // the value the next non-silent frame must carry
	var silentBlocks []int
	for k := range total {
		blk := out[k*cfg.Block*ch : (k+1)*cfg.Block*ch]
		silent := true
		for _, v := range blk {
			if v != 0 {
				silent = false
				break
			}
		}
		if silent {
			silentBlocks = append(silentBlocks, k)
			continue
		}
		for i := 0; i < len(blk); i += ch {
			if blk[i] != next {
				t.Fatalf("block %d frame %d: got %v (frame %d of the ramp), want %v (frame %d): discontinuity",
					k, i/ch, blk[i], int(blk[i]/Step), next, int(next/Step))
			}
			for j := 1; j < ch; j++ {
				if blk[i+j] != -next {
					t.Fatalf("block %d frame %d channel %d: got %v, want %v", k, i/ch, j, blk[i+j], -next)
				}
			}
			next += Step
		}
	}
	played := int(next/Step) - 1

	var errs []string
	if got := c.Underruns(); got != longStalls {
		errs = append(errs, fmt.Sprintf("consumer counted %d underruns, want exactly %d (one per long stall)", got, longStalls))
	}
	if len(silentBlocks) != longStalls {
		errs = append(errs, fmt.Sprintf("%d silent blocks, want %d", len(silentBlocks), longStalls))
	}
	for i := 1; i < len(silentBlocks); i++ {
		if silentBlocks[i] == silentBlocks[i-1]+1 {
			errs = append(errs, fmt.Sprintf("silent blocks %d and %d are adjacent: output did not resume in the next block", silentBlocks[i-1], silentBlocks[i]))
		}
	}
	// Attribution: the frames just before each silent block were rendered
	// before a long stall, the frames just after it right after that stall.
	for i, k := range silentBlocks {
		if i >= len(stalledLong) {
			break
		}
		after := k + 1
		if after >= total {
			continue
		}
		v := out[after*cfg.Block*ch]
		if got, want := int(v/Step)-1, stalledLong[i]; got != want {
			errs = append(errs, fmt.Sprintf("silent block %d is followed by ramp frame %d, want %d (the first frame rendered after long stall %d)", k, got, want, i))
		}
	}
	if want := total*cfg.Block - longStalls*cfg.Block; played != want {
		errs = append(errs, fmt.Sprintf("played %d ramp frames, want %d (every period filled except the %d underruns)", played, want, longStalls))
	}
	if len(errs) > 0 {
		t.Logf("silent blocks %v; long stalls before frames %v", silentBlocks, stalledLong)
	}
	for _, e := range errs {
		t.Error(e)
	}
	t.Logf("%d blocks of %d frames, lead %d: %d short stalls (0.5–%d periods) absorbed, %d long stalls (%.2f periods) → %d underruns, %d ramp frames continuous",
		total, cfg.Block, cfg.Lead, shortStalls, cfg.Lead-1, longStalls, float64(cfg.Lead)+0.25, c.Underruns(), played)
}

package ring

import (
	"math"
	"sync/atomic"
)

// LoadMeter tracks DSP load: a block's render time over the block's duration,
// smoothed over about the last 16 blocks, and the worst single block. One
// goroutine (the render goroutine) calls Add; Load and Max are safe from any
// goroutine.
type LoadMeter struct {
	load, max atomic.Uint64 // math.Float64bits
}

// Add folds one block's load into the smoothed and worst values. Only one
// goroutine writes, so a plain load-then-store is enough.
func (m *LoadMeter) Add(load float64) {
	const alpha = 1.0 / 16
	avg := math.Float64frombits(m.load.Load())
	m.load.Store(math.Float64bits(avg + alpha*(load-avg)))
	if load > math.Float64frombits(m.max.Load()) {
		m.max.Store(math.Float64bits(load))
	}
}

// Load returns the smoothed load.
func (m *LoadMeter) Load() float64 { return math.Float64frombits(m.load.Load()) }

// Max returns the worst block's load.
func (m *LoadMeter) Max() float64 { return math.Float64frombits(m.max.Load()) }

// Package null is a live audio.Device with no sound card: it renders in real
// time, one block per period, and throws the audio away. Use it to run
// gridbox without sound (--audio null) or as a paced stand-in in tests; the
// engine's position then advances with the wall clock as it would on a real
// device.
//
// # Threading
//
// Start launches one render goroutine, locked to its OS thread, which is the
// only caller of Renderer.Render. It wakes on an absolute schedule, block n
// at start + n·period, so sleep overshoot never accumulates into drift; a
// wake more than one period after its deadline counts in Stats.LateWakes and
// the missed blocks are rendered back to back to catch up. If it falls more
// than a second behind (the machine was suspended, say) it counts one late
// wake and restarts the schedule from now instead of rendering the backlog.
//
// The goroutine sleeps with time.Sleep, so wakes land up to about a
// millisecond late on Linux (the runtime's timer granularity) and the device
// runs on a testing/synctest clock inside a bubble. It does not ask for
// SCHED_FIFO: with no device deadline to meet there is nothing to protect.
//
// WithInput gives the device an input that captures silence: a block of
// it reaches the sink (Capture) on the render goroutine before each
// Render, so that audio tracks record, in step with the output, where no
// sound card is.
//
// Start and Close are called from the control side; Stats is safe from any
// goroutine. The steady-state loop does not allocate.
package null

// Package ring moves audio from a Go render goroutine to a device's consumer
// without locks: Ring is a single-producer, single-consumer FIFO of
// interleaved float32 frames, and Filler is the render goroutine that keeps a
// Ring filled a fixed lead ahead of the consumer.
//
// The live devices use it so that Renderer.Render never runs on the device's
// own thread: audio/portaudio's C callback and audio/oto's io.Reader only copy
// frames out of a Ring.
//
//	Filler goroutine (locked OS thread, SCHED_FIFO if allowed)
//	  r.Render(block) ──copy──> Ring ──copy──> consumer (C callback / oto Reader) ──> device
//	  producer: owns write index          consumer: owns read index
//
// # Threading
//
// A Ring has exactly one producer goroutine or thread, which alone calls
// Write and Free, and one consumer, which alone calls Read. Len and Cap are
// safe anywhere. The indices are free-running uint32 frame counters published
// with atomic stores (release) and read with atomic loads (acquire), so the
// consumer may also be C code using __atomic builtins on the same memory (see
// Over).
//
// A Filler is started and stopped from the control side. Its goroutine is the
// Ring's producer and the only caller of Renderer.Render; Stats is safe from
// any goroutine. Nothing on the Filler's steady-state path allocates, locks or
// uses channels: it renders into one preallocated block, copies it into the
// Ring, and polls the Ring's level with nanosleep(2) on its own thread (see
// Config.Sleep for why not time.Sleep).
//
// # Lead and underruns
//
// The Filler keeps Lead blocks buffered and polls about every half block, so
// a render goroutine stall (GC pause, preemption, page fault) of up to about
// Lead−1 periods costs nothing. A longer one lets the consumer find the Ring
// short: it plays silence for what is missing and counts one underrun per
// short read. Policy: nothing rendered is ever dropped to catch up; the
// frames resume where they stopped, so everything after an underrun, the
// engine's position included, plays late by the silence inserted.
// ringtest.RampTest checks exactly this.
package ring

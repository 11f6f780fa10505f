//go:build portaudio

package portaudio

/*
#cgo pkg-config: portaudio-2.0
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"
	"unsafe"

	"gridbox/audio"
	"gridbox/audio/ring"
)

// A pipe is the C half of one stream: the C-allocated gbx_stream that holds
// the ring buffer, its indices and the callback's counters, plus the Go view
// of that ring (ring.Over), which the render goroutine writes.
//
// The control goroutine creates, opens, starts, aborts, closes and frees it;
// the PortAudio callback thread reads the ring (gbx_consume); the render
// goroutine writes it. Nothing in it is Go memory, so C may keep pointers to
// it and the callback never waits for the Go runtime.
type pipe struct {
	s    *C.gbx_stream
	ring *ring.Ring
}

// newPipe allocates a stream whose ring holds cfg.Frames() frames.
func newPipe(cfg ring.Config) (*pipe, error) {
	frames := cfg.Frames()
	ch := cfg.Format.Channels
	period := cfg.Format.Duration(int64(cfg.Block))
	s := C.gbx_new(C.uint32_t(frames), C.uint32_t(ch), C.int64_t(period))
	if s == nil {
		return nil, errors.New("portaudio: out of memory for the audio ring")
	}
	buf := unsafe.Slice((*float32)(unsafe.Pointer(s.buf)), frames*ch)
	read := (*atomic.Uint32)(unsafe.Pointer(&s.read))
	write := (*atomic.Uint32)(unsafe.Pointer(&s.write))
	return &pipe{s: s, ring: ring.Over(buf, ch, read, write)}, nil
}

// free releases the C memory. The stream must be closed (or never opened).
func (p *pipe) free() {
	C.gbx_free(p.s)
	p.s = nil
	p.ring = nil
}

// open opens the PortAudio stream on device index dev. It reports whether
// PortAudio was asked to run the callback thread SCHED_FIFO (ALSA only).
func (p *pipe) open(dev int, f audio.Format, block int, latency time.Duration) (rtSched bool, err error) {
	var rt C.int
	perr := C.gbx_open(p.s, C.int(dev), C.double(f.SampleRate), C.ulong(block), C.double(latency.Seconds()), &rt)
	return rt != 0, paError(perr)
}

func (p *pipe) start() error { return paError(C.gbx_start(p.s)) }
func (p *pipe) abort() error { return paError(C.gbx_abort(p.s)) }
func (p *pipe) close() error { return paError(C.gbx_close(p.s)) }

// outputLatency is PortAudio's estimate of the stream's output latency.
func (p *pipe) outputLatency() time.Duration {
	return time.Duration(float64(C.gbx_output_latency(p.s)) * float64(time.Second))
}

// consume does exactly what the callback does with the audio: it copies
// len(out)/channels frames out of the ring and pads a shortfall with silence,
// counting an underrun. Tests use it to stand in for the device; it must not
// run while a stream is started.
func (p *pipe) consume(out []float32) {
	frames := len(out) / p.ring.Channels()
	if frames == 0 {
		return
	}
	C.gbx_consume(p.s, (*C.float)(unsafe.Pointer(&out[0])), C.ulong(frames))
}

// counters reads the callback's counters. Control side.
func (p *pipe) counters() Counters {
	var c C.gbx_counters
	C.gbx_read_counters(p.s, &c)
	out := Counters{
		Callbacks:     uint64(c.callbacks),
		Frames:        uint64(c.frames),
		RingUnderruns: uint64(c.underruns),
		Underflows:    uint64(c.underflows),
		LateCallbacks: uint64(c.late),
		MaxInterval:   time.Duration(c.max_gap_ns),
		SinceCallback: -1,
	}
	if c.last_ns != 0 {
		out.SinceCallback = time.Duration(c.now_ns - c.last_ns)
	}
	if c.callbacks > 1 {
		out.MeanInterval = time.Duration(c.last_ns-c.first_ns) / time.Duration(c.callbacks-1)
	}
	return out
}

// callbackTimes returns the CLOCK_MONOTONIC nanoseconds of the first and
// the latest callback (0 before the first) and the callbacks made, read
// together: tests compare them with another JACK client's cycles.
func (p *pipe) callbackTimes() (first, latest int64, callbacks uint64) {
	var c C.gbx_counters
	C.gbx_read_counters(p.s, &c)
	return int64(c.first_ns), int64(c.last_ns), uint64(c.callbacks)
}

// onsetArm arms the onset probe and returns the onsets found so far.
// Control side.
func (p *pipe) onsetArm() uint64 { return uint64(C.gbx_onset_arm(p.s)) }

// onsetRead returns the latest onset and how many were found so far.
// Control side.
func (p *pipe) onsetRead(rate int) (Onset, uint64) {
	var o C.gbx_onset
	seq := uint64(C.gbx_onset_read(p.s, &o))
	return makeOnset(int64(o.ns), int(o.frame), int(o.frames), int64(o.dac_ns), rate), seq
}

// onsetScan does the callback's part of the probe on out, as if the
// callback had handed out over at now (CLOCK_MONOTONIC nanoseconds). Tests
// use it to stand in for the callback; it must not run while a stream is
// started.
func (p *pipe) onsetScan(out []float32, now, dac int64) {
	frames := len(out) / p.ring.Channels()
	if frames == 0 {
		return
	}
	C.gbx_onset_scan(p.s, (*C.float)(unsafe.Pointer(&out[0])), C.ulong(frames), C.int64_t(now), C.int64_t(dac))
}

// Monotonic returns CLOCK_MONOTONIC in nanoseconds: the clock the callback
// stamps its calls and onsets with (Onset), read the same way. Safe from
// any goroutine.
func Monotonic() int64 { return int64(C.gbx_now()) }

// paError turns a PortAudio error code into an error (nil for paNoError).
func paError(code C.PaError) error {
	if code == C.paNoError {
		return nil
	}
	return fmt.Errorf("%s (PortAudio error %d)", C.GoString(C.Pa_GetErrorText(code)), int(code))
}

// alsaPreflight reports what PortAudio's ALSA scan would find (see
// gbx_alsa_preflight): safe is false when Pa_Initialize would abort the
// process on PortAudio's devIdx < numDeviceNames assertion. Control side.
func alsaPreflight() (cards, plugins int, safe bool) {
	var c, p, d C.int
	C.gbx_alsa_preflight(&c, &p, &d)
	return int(c), int(p), d != 0
}

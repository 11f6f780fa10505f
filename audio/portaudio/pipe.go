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
// the ring buffers, their indices and the callback's counters, plus the Go
// views of those rings (ring.Over): the output ring, which the render
// goroutine writes, and the input ring, which it reads.
//
// The control goroutine creates, opens, starts, aborts, closes and frees it;
// the PortAudio callback thread reads the output ring (gbx_consume) and
// writes the input ring (gbx_capture); the render goroutine writes the
// output ring and reads the input ring. Nothing in it is Go memory, so C may
// keep pointers to it and the callback never waits for the Go runtime.
type pipe struct {
	s    *C.gbx_stream
	ring *ring.Ring
	in   *ring.Ring // nil without input
}

// newPipe allocates a stream whose output ring holds cfg.Frames() frames
// and, when inChannels > 0, whose input ring holds inFrames frames (a power
// of two) of inChannels samples.
func newPipe(cfg ring.Config, inFrames, inChannels int) (*pipe, error) {
	frames := cfg.Frames()
	ch := cfg.Format.Channels
	period := cfg.Format.Duration(int64(cfg.Block))
	if inChannels <= 0 {
		inFrames, inChannels = 0, 0
	}
	s := C.gbx_new(C.uint32_t(frames), C.uint32_t(ch), C.int64_t(period), C.uint32_t(inFrames), C.uint32_t(inChannels))
	if s == nil {
		return nil, errors.New("portaudio: out of memory for the audio rings")
	}
	buf := unsafe.Slice((*float32)(unsafe.Pointer(s.buf)), frames*ch)
	read := (*atomic.Uint32)(unsafe.Pointer(&s.read))
	write := (*atomic.Uint32)(unsafe.Pointer(&s.write))
	p := &pipe{s: s, ring: ring.Over(buf, ch, read, write)}
	if inChannels > 0 {
		inBuf := unsafe.Slice((*float32)(unsafe.Pointer(s.in_buf)), inFrames*inChannels)
		inRead := (*atomic.Uint32)(unsafe.Pointer(&s.in_read))
		inWrite := (*atomic.Uint32)(unsafe.Pointer(&s.in_write))
		p.in = ring.Over(inBuf, inChannels, inRead, inWrite)
	}
	return p, nil
}

// free releases the C memory. The stream must be closed (or never opened).
func (p *pipe) free() {
	C.gbx_free(p.s)
	p.s = nil
	p.ring = nil
	p.in = nil
}

// open opens the PortAudio stream on output device index dev and, when
// inDev ≥ 0 (and the pipe has an input ring), input device index inDev:
// one duplex stream. It reports whether PortAudio was asked to run the
// callback thread SCHED_FIFO (ALSA only).
func (p *pipe) open(dev, inDev int, f audio.Format, block int, latency, inLatency time.Duration) (rtSched bool, err error) {
	if p.in == nil {
		inDev = -1
	}
	var rt C.int
	perr := C.gbx_open(p.s, C.int(dev), C.int(inDev), C.double(f.SampleRate), C.ulong(block),
		C.double(latency.Seconds()), C.double(inLatency.Seconds()), &rt)
	return rt != 0, paError(perr)
}

func (p *pipe) start() error { return paError(C.gbx_start(p.s)) }
func (p *pipe) abort() error { return paError(C.gbx_abort(p.s)) }
func (p *pipe) close() error { return paError(C.gbx_close(p.s)) }

// latency is PortAudio's estimate of the stream's input and output latency
// (Pa_GetStreamInfo; in is 0 for an output stream).
func (p *pipe) latency() (in, out time.Duration) {
	var i, o C.double
	C.gbx_latency(p.s, &i, &o)
	return time.Duration(float64(i) * float64(time.Second)), time.Duration(float64(o) * float64(time.Second))
}

// consume does exactly what the callback does with the audio: it copies
// len(out)/channels frames out of the ring and pads a shortfall with silence,
// counting an underrun, and returns how many frames came from the ring.
// Tests use it to stand in for the device; it must not run while a stream
// is started.
func (p *pipe) consume(out []float32) int {
	frames := len(out) / p.ring.Channels()
	if frames == 0 {
		return 0
	}
	return int(C.gbx_consume(p.s, (*C.float)(unsafe.Pointer(&out[0])), C.ulong(frames)))
}

// capture does exactly what the callback does with captured frames (see
// gbx_capture): of the frames in in (nil: frames frames of silence), the
// first keep go into the input ring, the rest are skipped. Tests use it,
// with consume's result as keep, to stand in for the device; it must not run
// while a stream is started.
func (p *pipe) capture(in []float32, frames, keep int) {
	var ptr *C.float
	if in != nil {
		frames = len(in) / p.in.Channels()
		if frames == 0 {
			return
		}
		ptr = (*C.float)(unsafe.Pointer(&in[0]))
	}
	C.gbx_capture(p.s, ptr, C.ulong(frames), C.ulong(keep))
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
		Input: InputCounters{
			Frames:    uint64(c.in_frames),
			Lost:      uint64(c.in_lost),
			Skipped:   uint64(c.in_skipped),
			Overflows: uint64(c.in_overflows),
		},
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

package audio

import (
	"errors"
	"time"
)

// Format describes interleaved float32 audio: sample c of frame i is at
// out[i*Channels+c].
type Format struct {
	SampleRate int // frames per second
	Channels   int // samples per frame
}

// Duration returns how long n frames last in this format.
func (f Format) Duration(frames int64) time.Duration {
	return time.Duration(frames * int64(time.Second) / int64(f.SampleRate))
}

// Frames returns how many whole frames fit in d.
func (f Format) Frames(d time.Duration) int64 {
	return int64(d) * int64(f.SampleRate) / int64(time.Second)
}

// A Renderer produces audio for a Device. Render fills all of out (whose length
// is a whole number of frames) and returns.
//
// Render runs on the device's realtime goroutine or thread: it must not block,
// allocate, lock, use channels, log or make syscalls, and it must not retain
// out after it returns.
type Renderer interface {
	Render(out []float32)
}

// RendererFunc adapts a function to the Renderer interface.
type RendererFunc func(out []float32)

// Render calls f(out).
func (f RendererFunc) Render(out []float32) { f(out) }

// A Device plays what a Renderer produces.
//
// Start begins calling r.Render, one block at a time, until Close. Start and
// Close are called from the control side; Stats is safe from any goroutine.
type Device interface {
	Format() Format
	Start(r Renderer) error
	Stats() DeviceStats
	Close() error
}

// DeviceStats are a Device's health counters since Start.
type DeviceStats struct {
	Blocks      uint64        // blocks rendered
	Played      uint64        // frames the device has taken, silence padding included: its heartbeat, which stops when the device does
	Underruns   uint64        // times the hardware wanted audio that was not ready (flags and own checks)
	LateWakes   uint64        // device callbacks that came more than two periods after the previous one
	MaxInterval time.Duration // longest gap between two device callbacks
	Load        float64       // render time per block over the block's duration, smoothed (0..1+)
	MaxLoad     float64       // worst single block
}

// ErrNoDevice reports that no usable audio output exists.
var ErrNoDevice = errors.New("audio: no usable output device")

// ErrRestart is wrapped by an opener's error when its backend cannot open
// a device again in this process (oto keeps one connection to the sound
// server per process, dead once the server is): only a new process can
// play again.
var ErrRestart = errors.New("only a new process can open it again")

// A Source reads the frames of a sample that is not held in memory (a long
// file on disk, streamed as it plays) at any position: interleaved float32,
// Channels() (1 or 2) samples per frame, Frames() frames in all.
//
// ReadFrames fills dst with the frames from at on and returns how many it
// read: len(dst)/Channels(), fewer only at the end (then err == io.EOF) or
// on an error. It runs on the control side (the streamer's goroutine, or a
// set loading), never on the audio path; a Source is used by one goroutine
// at a time and must not retain dst.
type Source interface {
	Channels() int
	Frames() int64
	ReadFrames(dst []float32, at int64) (int, error)
}

// Buffer is decoded audio held in memory: interleaved frames at Rate.
// Channels is 1 (mono) or 2 (stereo). A Buffer handed to the engine is
// immutable from then on.
//
// The samples are in Data, or, for a 16-bit source decoded for playback, in
// PCM16 (half the memory, and exact: sample i is PCM16[i]/32768). Exactly one
// of the two holds them; the other is nil.
type Buffer struct {
	Rate     int
	Channels int
	Data     []float32 // len == Frames()*Channels, or nil when PCM16 holds the samples
	PCM16    []int16
}

// Len returns the number of samples (frames × channels) in b.
func (b *Buffer) Len() int {
	if b.PCM16 != nil {
		return len(b.PCM16)
	}
	return len(b.Data)
}

// Frames returns the number of frames in b.
func (b *Buffer) Frames() int {
	if b == nil || b.Channels == 0 {
		return 0
	}
	return b.Len() / b.Channels
}

// Floats returns b's samples as float32: Data itself, or a new slice
// converted from PCM16.
func (b *Buffer) Floats() []float32 {
	if b.PCM16 == nil {
		return b.Data
	}
	f := make([]float32, len(b.PCM16))
	for i, v := range b.PCM16 {
		f[i] = float32(v) * 0x1p-15
	}
	return f
}

// Duration returns how long b plays at its own rate.
func (b *Buffer) Duration() time.Duration {
	if b == nil || b.Rate == 0 {
		return 0
	}
	return Format{SampleRate: b.Rate, Channels: b.Channels}.Duration(int64(b.Frames()))
}

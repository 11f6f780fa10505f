package engine

import "time"

// Frame counts frames rendered since the Player was created: the one clock
// everyone agrees on.
type Frame int64

// Never is a Frame later than any real one.
const Never Frame = 1<<63 - 1

// Sound timing constants, documented in the package doc.
const (
	RampTime  = 5 * time.Millisecond // volume/pan/mute changes
	FadeTime  = 5 * time.Millisecond // stops
	StealTime = 2 * time.Millisecond // stolen voices
	// LegatoTime is the crossfade of a legato switch, and the default
	// crossfade of a loop restart that is not seamless.
	LegatoTime = 5 * time.Millisecond
	limitRel   = 50 * time.Millisecond // master limiter release
)

func framesOf(rate int, d time.Duration) int32 {
	n := int32(int64(rate) * int64(d) / int64(time.Second))
	if n < 1 {
		n = 1
	}
	return n
}

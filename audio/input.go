package audio

import "time"

// An InputSink takes the frames an audio input captured, in the order
// they were captured: interleaved float32, the input's channels per frame.
//
// Frame k of what a sink is given was captured while the output played
// frame k of what the Renderer rendered, as near as the device knows: a
// device that pads its output with silence (an underrun) drops as many
// captured frames, so the two counts stay in step. What is left between the
// sound the musician heard and the sound recorded is the latency of the
// converters and the cable (Capturer.Latency, and the rig's calibrated
// offset).
//
// WriteInput is called on the goroutine that calls Render, before each
// Render (never from a C audio callback): it must not block, allocate,
// lock or make syscalls. It returns how many frames it took; frames it
// could not take are lost (the sink counts them).
type InputSink interface {
	WriteInput(frames []float32) int
}

// A Capturer is a Device that also records from an audio input at its
// output's rate.
type Capturer interface {
	// InputChannels is how many channels the input has.
	InputChannels() int
	// Capture hands the device's captured input to sink from Start on.
	// Call it once, before Start, from the control side.
	Capture(sink InputSink)
	// Latency returns the input and output latency the device reports
	// (PortAudio's stream info): from the converter to the frame handed
	// over, and from the frame taken to the converter. Valid after Start.
	Latency() (in, out time.Duration)
	// InputStats returns the input's health counters since Start.
	InputStats() InputStats
}

// InputStats are an input's health counters since Start.
type InputStats struct {
	Captured uint64 // frames captured
	Dropped  uint64 // frames lost before the sink got them (a full ring, or kept out of step by an underrun)
	Overruns uint64 // times the hardware reported input lost (PortAudio's paInputOverflow)
}

// Package portaudio is gridbox's live audio.Device on PortAudio (ALSA or
// JACK on the Pi), and its audio.Capturer: with an input, one duplex stream
// records while it plays (issue 13). It is the only package that imports
// github.com/gordonklaus/portaudio, it needs cgo and libportaudio
// (portaudio19-dev), and it builds only with the build tag "portaudio"; this
// file alone is untagged so the documentation is always visible.
//
// # Why the callback is in C
//
// Go code entered from PortAudio's C callback thread can stall for
// milliseconds: the thread must acquire a P and waits out GC stop-the-world
// pauses, and the binding takes a mutex and a reflect call per buffer
// (measured: see the project's performance notes). So the stream and its callback live in a small C
// shim (shim.c) that never enters Go, and the Renderer runs on a Go render
// goroutine that keeps a ring filled ahead of the callback:
//
//	render goroutine (Go, locked OS thread, SCHED_FIFO if permitted)
//	  r.Render(block) ─copy─┐
//	                        ▼
//	        ring in C memory: float32 frames, lead = Lead blocks
//	        write index ← render goroutine   read index ← callback
//	                        │
//	                        ▼
//	PortAudio callback (C, audio thread): memcpy frames, or silence + count
//	  an underrun; count paOutputUnderflow; time the gap since the last call
//	                        │
//	                        ▼
//	                  ALSA / JACK device
//
// With an input the same callback, in the same call, also copies the block
// PortAudio captured into a second ring, and the render goroutine hands it
// to the sink before it renders:
//
//	PortAudio callback: the captured block ─copy─┐ (frames whose output was
//	                        ▼                      underrun silence: skipped)
//	        input ring in C memory: float32 frames, 4 × the output ring
//	        write index ← callback   read index ← render goroutine
//	                        │
//	                        ▼
//	render goroutine, before each r.Render: sink.WriteInput(every frame
//	  captured so far, in order)
//
// gordonklaus/portaudio does Pa_Initialize, Pa_Terminate and device
// enumeration; the shim opens the stream with the same device index (both
// link the one libportaudio, so they share its state).
//
// # Threading and ownership
//
//   - Control side (one goroutine at a time; a package mutex serialises
//     PortAudio calls): List, Open, Start, Close, Log.
//   - PortAudio's audio thread: gbx_callback only. It owns the output and
//     input buffers for the call, reads the output ring (consumer), writes
//     the input ring (producer), and writes the callback counters. It does
//     not allocate, lock, log, make syscalls or call Go.
//   - The render goroutine (a ring.Filler, through a drain when there is
//     an input): the only caller of Renderer.Render and of the sink's
//     WriteInput, which it calls before each Render with everything the
//     input ring holds; it owns the render block and the input block,
//     writes the output ring (producer) and reads the input ring
//     (consumer). It does not allocate in steady state and asks for
//     SCHED_FIFO on its own OS thread only (never the whole process);
//     refusal is reported once in Warnings.
//   - Capture (the sink) is set on the control side before Start; the
//     sink belongs to the render goroutine from Start to Close.
//   - Stats, Counters, InputStats and Warnings are safe from any goroutine.
//   - The onset probe (ArmOnset, Onset; a test seam for measuring latency)
//     is armed and read by one control goroutine at a time; the callback
//     scans what it hands over only while armed, records the first
//     non-zero frame with the CLOCK_MONOTONIC time it already reads, and
//     disarms (gbx_onset_scan: no allocation, lock or syscall).
//
// The C struct gbx_stream (C memory, allocated in Open, freed in Close) owns
// both ring buffers, their indices and the callback counters. Close aborts
// the stream first, so the callback has stopped before the render goroutine
// stops and before the memory is freed.
//
// A JACK stream whose server died (or dropped the client) cannot be let go
// of in-process: PortAudio 19.6's Pa_AbortStream then waits for a cycle
// that never comes, and once the server's shutdown notice has arrived
// Pa_CloseStream and Pa_Terminate abort the process on an assertion. So
// Close leaves a JACK stream whose callbacks have stopped as it is (its C
// memory too, in case the callback was only late), and it and every later
// Open and List return an error wrapping audio.ErrRestart: only a new
// process can use PortAudio again, and gridbox play exits for systemd to
// start one.
//
// An underrun plays silence and delays the rest: no rendered frame is ever
// dropped to catch up, so the engine's position runs late by the silence
// inserted (checked by ringtest.RampTest, T5).
//
// # Input in step with output
//
// Input frame k (the k-th frame the sink is given) was captured in the
// callback that handed PortAudio output frame k (the engine's frame k):
//
//   - Frames captured while the callback played underrun silence are
//     skipped (InputCounters.Skipped): the engine's frames after an
//     underrun play late by the silence, so the input skips as much to
//     stay in step. No recorded audio is lost to the sink's reckoning,
//     since nothing the engine played was heard over those frames, but the
//     input has a gap there. InputStats counts them as Dropped.
//   - Frames that find the input ring full are lost (InputCounters.Lost,
//     Dropped too) and written as silence as soon as there is room, so the
//     frames after them keep their place. This is a safeguard: the ring
//     holds four times the output ring, and between two drains (one before
//     every Render) the callback keeps at most as many frames as it took
//     from the output ring; a stalled render goroutine makes the output
//     underrun, and those frames are skipped, not kept.
//   - Input PortAudio itself lost (paInputOverflow: InputStats.Overruns;
//     with JACK, every xrun the server reports) shifts the input against
//     the output by what was lost, which the device cannot know.
//
// What stays between the musician and the recording is the converters'
// latency: Latency reports PortAudio's input and output latency for the
// stream (without the ring's lead, which input and output share), and
// OutputDelay the output latency plus the lead (for a clock that must
// follow when rendered frames are heard). On jackd's dummy backend at 128
// frames, a loopback client's clicks come back 256 frames after the output
// frame they were rendered at, which is what Latency says (0 in + 5.333 ms
// out): TestJACKDummyCapture.
//
// # No sound card
//
// With no sound card PortAudio's probe makes libasound and libjack print
// dozens of lines to stderr. Open and List capture file descriptor 2 around
// PortAudio calls (see Log for a --verbose view) and set
// JACK_NO_START_SERVER=1 unless it is set, so libjack does not try to launch
// a server (GRIDBOX_PORTAUDIO_STDERR=1 turns the capture off, for debugging).
// When no output exists, or Config.Device matches none, the error wraps
// audio.ErrNoDevice and reads as one sentence naming the fix.
//
// PortAudio 19.6 aborts the whole process (an assertion in its ALSA device
// scan) when the ALSA configuration names no "default" or "dmix" PCM, for
// instance when ALSA_CONFIG_PATH points at a file without PCMs or alsa.conf
// is missing. Open and List check the configuration first and return an
// audio.ErrNoDevice error instead of calling Pa_Initialize in that case.
package portaudio

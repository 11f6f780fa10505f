// Package engine is gridbox's realtime core: a lock-free, allocation-free
// clip player and mixer that fills the audio device's blocks.
//
// The engine counts frames, not beats. Frame is the one clock: the number of
// frames rendered since the player was created. The sequencer turns musical
// time into frames and sends fixed-size Commands stamped with the frame they
// take effect at; the engine plays them sample-accurately and reports what
// happened as Events.
//
// Threads and owners:
//
//	[control]  one goroutine (the session) ──Send(Command)──▶ command ring ─┐
//	                                                                         ▼
//	[realtime] device thread / render goroutine ──────────────────▶ Player.Render(out)
//	                                                                         │
//	[control]  the same session goroutine ◀──PollEvent()── event ring ◀─────┤
//	[control]  the same session goroutine ◀──PollMIDI()─── MIDI ring ◀──────┘
//
// Send, PollEvent and PollMIDI have a single caller each (the session
// goroutine); Render has a single caller (the device). Position and Stats
// are safe from any goroutine. The rings are preallocated
// single-producer/single-consumer queues of pointer-free values.
//
// A MIDI instrument (MIDIOut) has no voices: its notes leave the engine as
// MIDIEvents stamped with the frame they take effect at, and the engine
// keeps the notes it has sent on (a fixed array), so that stops and mutes
// send their note-offs (midi_rt.go).
//
// Long samples stream from disk (see stream_rt.go): the Streamer, on a
// goroutine of its own (or the offline render loop, between blocks), fills
// one preallocated ring per streamed voice ahead of it; the voice never
// waits for it.
//
// A set reloads while it plays (StageBank, then a SwapBank command): the
// session goroutine builds and checks the new Bank, the render side swaps
// it in as it takes the SwapBank in, in send order with the other commands,
// and each command keeps the bank that was current when it was taken in.
// The old bank's Buffers and Sources stay the session's to free once
// Player.Uses reports that no waiting command, voice or stream reads them.
//
// Audio input, monitoring and recording (issue 13; Config.Inputs > 0):
//
//	[realtime] device: WriteInput ──▶ input ring ──▶ Render ──▶ monitored track buses
//	                                                   │  └───▶ take buffers (RecordAudio's Sample)
//	[control]  take writer goroutine ◀──Drain()── capture ring ◀┘
//
// The rules:
//  1. The input ring has one producer, Input.WriteInput, called on the
//     goroutine that calls Render, before each Render, and one consumer,
//     Render. Input frame k is the k-th frame written; it was captured
//     while engine frame k played. Both rings are preallocated in New.
//  2. The musician heard engine frame m while playing what is input frame
//     m+Lf (SetInputLatency: the device's latencies and the rig's
//     offset). A take from S to E writes input frames [S+Lf, E+Lf) to
//     buffer positions Start.. (wrapped at its LoopLen): Render writes
//     each input frame as it arrives, in the first block after it, so a
//     take's position p is written Lf frames plus the device's lead after
//     the engine rendered S+p.
//  3. A take's buffer (RecordAudio's Sample, an audio.Buffer of the
//     current bank) belongs to the render side from the moment the command
//     is sent until the take's end event (EvRecorded, EvTakeFull or
//     EvTakeDropped): the render side writes it, voices may play it (as
//     the take's loop, from E on), and the control side neither reads nor
//     writes it; afterwards it is immutable again, as every Buffer of a
//     Bank is. Player.Uses counts a take as a use of its sample.
//  4. Render pushes what it writes into a take, as the buffer holds it
//     after the write, to the capture ring, in whole chunks, in order; the
//     take writer goroutine, its one consumer, drains it (Capture.Drain)
//     and writes the takes' files. A chunk that does not fit ends the take
//     (EvTakeDropped) at the last chunk pushed, so the buffer holds exactly
//     what the chunks held. Take events come when the input has reached
//     their frame, so they may follow events of later frames.
//  5. A monitored track's bus gets the input's newest frames at unity,
//     through the track's gain, pan and mute; the monitor's delay stays
//     constant while the input arrives a block a block, and re-syncs to
//     the newest frames when it does not.
//
// Only the files named *_rt.go hold code that Render can reach. They import
// nothing but math and sync/atomic (a test parses them to enforce it), and
// they never allocate, lock, use channels, log or make syscalls; tests prove
// zero allocations per Render in every scenario the issue lists.
//
// Render has one fixed shape:
//
//  1. drain the command ring into a fixed, frame-ordered pending array
//  2. clear the output block
//  3. split the block at every pending command's frame; for each segment,
//     mix voices into their track buses, then the buses into the output
//     through each track's gain/pan ramp
//  4. run the master limiter, publish Position and the stats
//
// Sound rules:
//   - An audio clip at 0 dB on a track at 0 dB, pan centre, reaches the output
//     at unity. Pan is a balance control on the track bus: centre leaves both
//     channels at unity, and a mono source feeds both channels at unity.
//   - Volume, pan and mute changes ramp linearly over RampTime (5 ms).
//   - A stop fades out linearly over FadeTime (5 ms), ending at the stop's
//     frame, so nothing of the clip sounds from that frame on (Stop.Now, for
//     stops not known ahead, fades from it instead); a clip that replaces it
//     starts there at full level. A stolen voice fades over StealTime (2 ms).
//   - A legato switch crossfades the old clip into the new one over
//     LegatoTime (5 ms); a loop restart that is not seamless in the sample
//     crossfades the pass that ends with the one that begins over the clip's
//     LoopFade. Both curves are raised cosines scaled for constant power at
//     the measured correlation of the two signals (equal power for unrelated
//     material, equal gain for like material).
//   - The master never outputs beyond ±1.0: a brick-wall peak limiter with
//     instant attack and a 50 ms release scales any frame whose peak exceeds
//     1.0 (and a final clamp catches rounding). Below full scale it is
//     bit-transparent.
package engine

// The C half of audio/portaudio: a PortAudio output (or duplex) stream whose
// callback only copies frames out of a single-producer, single-consumer ring,
// and captured frames into another. See doc.go.
//
// Ownership: Go allocates a gbx_stream with gbx_new and frees it with
// gbx_free after gbx_close. The ring buffers and the counters live inside it,
// in C memory, so neither the callback nor the Go render goroutine ever
// touches memory the Go garbage collector manages.

#ifndef GRIDBOX_PORTAUDIO_SHIM_H
#define GRIDBOX_PORTAUDIO_SHIM_H

#include <stdint.h>
#include <portaudio.h>

typedef struct gbx_stream gbx_stream;

struct gbx_stream {
	// Ring indices: free-running frame counters that wrap at 2^32, each on
	// its own cache line, the same layout as Go's ring.Indices.
	// read is written only by the callback (consumer), with a release store;
	// write only by the Go render goroutine (producer), which Go's
	// sync/atomic makes a sequentially consistent store.
	uint32_t read;
	char pad0[60];
	uint32_t write;
	char pad1[60];

	float *buf;        // capacity*channels samples; written by the producer, read by the callback
	uint32_t mask;     // capacity-1, in frames (capacity is a power of two)
	uint32_t channels;
	int64_t period_ns; // one block; a callback gap over 2 periods is late

	// Counters: written only by the callback thread (relaxed atomic stores,
	// single writer), read from Go by gbx_read_counters.
	uint64_t callbacks;
	uint64_t frames;     // frames handed to PortAudio
	uint64_t underruns;  // callbacks that found the ring short and padded with silence
	uint64_t underflows; // callbacks PortAudio flagged with paOutputUnderflow
	uint64_t late;       // gaps between callbacks over 2 periods
	int64_t max_gap_ns;
	int64_t first_ns;    // CLOCK_MONOTONIC of the first and the latest callback
	int64_t last_ns;

	// The onset probe, a test seam (gbx_onset_arm): while onset_armed is 1
	// the callback looks for the first non-zero sample it hands over, and
	// when it finds one fills the onset_ fields, then bumps onset_seq
	// (release) and clears onset_armed. The control side arms it and reads
	// it; the callback is the only writer of the onset_ fields and onset_seq.
	uint32_t onset_armed;
	uint32_t onset_frame;  // the first non-zero frame's index in its block
	uint32_t onset_frames; // that block's length
	int64_t onset_ns;      // CLOCK_MONOTONIC at the start of that callback
	int64_t onset_dac_ns;  // PortAudio's outputBufferDacTime - currentTime for that block
	uint64_t onset_seq;    // onsets found so far

	// The input ring (issue 13), the output ring's mirror image: the
	// callback (producer) writes the frames it captured, the Go render
	// goroutine (consumer) reads them. in_write is written only by the
	// callback, with a release store; in_read only by the render goroutine.
	// in_channels is 0 when the stream has no input (nothing else of it is
	// then allocated or used).
	uint32_t in_read;
	char pad2[60];
	uint32_t in_write;
	char pad3[60];
	float *in_buf;     // in_capacity*in_channels samples
	uint32_t in_mask;  // in_capacity-1, in frames
	uint32_t in_channels;
	uint64_t in_owed;  // frames lost to a full ring, still to be written as silence; the callback's own

	// Input counters: written only by the callback thread, like the others.
	uint64_t in_frames;    // frames PortAudio captured
	uint64_t in_lost;      // frames lost to a full ring (written as silence once there was room)
	uint64_t in_skipped;   // frames dropped because their output frame was underrun silence
	uint64_t in_overflows; // callbacks PortAudio flagged with paInputOverflow

	PaStream *stream; // owned by the control side (gbx_open … gbx_close)
} __attribute__((aligned(64)));

// A snapshot of the counters, for Go.
typedef struct {
	uint64_t callbacks, frames, underruns, underflows, late;
	int64_t max_gap_ns, first_ns, last_ns, now_ns;
	uint64_t in_frames, in_lost, in_skipped, in_overflows;
} gbx_counters;

// gbx_new allocates a stream with an output ring of capacity_frames frames
// of channels samples and, when in_channels > 0, an input ring of
// in_capacity frames of in_channels samples (both capacities powers of two).
gbx_stream *gbx_new(uint32_t capacity_frames, uint32_t channels, int64_t period_ns,
                    uint32_t in_capacity, uint32_t in_channels);
void gbx_free(gbx_stream *s);

// Control side. in_device is the input device's index, or -1 for an output
// stream (it must be -1 when the stream has no input ring). rt_sched is set
// to 1 when the stream is on ALSA and PortAudio was asked to run its
// callback thread SCHED_FIFO (it falls back silently if that is not
// permitted).
PaError gbx_open(gbx_stream *s, int device, int in_device, double rate, unsigned long block,
                 double latency, double in_latency, int *rt_sched);
PaError gbx_start(gbx_stream *s);
PaError gbx_abort(gbx_stream *s);
PaError gbx_close(gbx_stream *s);
// gbx_latency reads PortAudio's stream info: input and output latency in
// seconds (input 0 for an output stream).
void gbx_latency(gbx_stream *s, double *in, double *out);

// gbx_consume is the callback's whole job on the audio: copy frames out of
// the ring into out, pad any shortfall with silence and count an underrun.
// It returns how many frames came from the ring (the rest are silence).
// Only the consumer (the callback thread, or a test standing in for it)
// calls it.
unsigned long gbx_consume(gbx_stream *s, float *out, unsigned long frames);

// gbx_capture is the callback's job on the input: of the frames frames
// captured in in (NULL: silence), the first keep (the ones whose output
// frames came from the ring; gbx_consume's result) go into the input ring
// and the rest are dropped and counted as skipped, so that input frame k
// stays the one captured while output frame k played. Frames that find the
// ring full are counted as lost and written as silence, ahead of later
// frames, as soon as there is room: they too keep their place. Only the
// input ring's producer (the callback thread, or a test standing in for it)
// calls it; it does nothing on a stream without input.
void gbx_capture(gbx_stream *s, const float *in, unsigned long frames, unsigned long keep);

void gbx_read_counters(const gbx_stream *s, gbx_counters *out);

// The onset probe (see Device.ArmOnset). gbx_onset_arm (control side) makes
// the callback look for the next non-zero sample and returns the onsets
// found so far; gbx_onset_read (control side) copies the latest onset and
// returns their count. gbx_onset_scan is the callback's part: when armed, it
// looks through the frames*channels samples of out and, at the first
// non-zero one, records the onset with now_ns and dac_ns and disarms; tests
// call it to stand in for the callback.
typedef struct {
	uint32_t frame, frames;
	int64_t ns, dac_ns;
} gbx_onset;
uint64_t gbx_onset_arm(gbx_stream *s);
uint64_t gbx_onset_read(const gbx_stream *s, gbx_onset *out);
void gbx_onset_scan(gbx_stream *s, const float *out, unsigned long frames, int64_t now_ns, int64_t dac_ns);
int64_t gbx_now(void);

void gbx_alsa_preflight(int *cards, int *plugins, int *has_default);

#endif

// The C half of audio/portaudio: a PortAudio output stream whose callback only
// copies frames out of a single-producer, single-consumer ring. See doc.go.
//
// Ownership: Go allocates a gbx_stream with gbx_new and frees it with
// gbx_free after gbx_close. The ring buffer and the counters live inside it,
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

	PaStream *stream; // owned by the control side (gbx_open … gbx_close)
} __attribute__((aligned(64)));

// A snapshot of the counters, for Go.
typedef struct {
	uint64_t callbacks, frames, underruns, underflows, late;
	int64_t max_gap_ns, first_ns, last_ns, now_ns;
} gbx_counters;

gbx_stream *gbx_new(uint32_t capacity_frames, uint32_t channels, int64_t period_ns);
void gbx_free(gbx_stream *s);

// Control side. rt_sched is set to 1 when the stream is on ALSA and PortAudio
// was asked to run its callback thread SCHED_FIFO (it falls back silently if
// that is not permitted).
PaError gbx_open(gbx_stream *s, int device, double rate, unsigned long block, double latency, int *rt_sched);
PaError gbx_start(gbx_stream *s);
PaError gbx_abort(gbx_stream *s);
PaError gbx_close(gbx_stream *s);
double gbx_output_latency(gbx_stream *s);

// gbx_consume is the callback's whole job on the audio: copy frames out of
// the ring into out, pad any shortfall with silence and count an underrun.
// Only the consumer (the callback thread, or a test standing in for it)
// calls it.
void gbx_consume(gbx_stream *s, float *out, unsigned long frames);

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

//go:build portaudio

// The PortAudio callback and its rings, in C so that the device's realtime
// thread never enters Go: a C→Go call has to acquire a P and waits out GC
// stop-the-world pauses, which measured up to 7.8 ms on a 2.667 ms period
// (measured in the project's performance notes).
//
// Rules for everything the callback reaches (gbx_callback, gbx_consume,
// gbx_capture): no allocation, no locks, no logging, no syscalls
// (clock_gettime on CLOCK_MONOTONIC is served by the vDSO), no calls into
// Go.

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shim.h"

#ifdef __linux__
#include <alsa/asoundlib.h>
#include <pa_linux_alsa.h>
#endif

// Single-writer counter updates: a relaxed load and store, no locked
// read-modify-write, since only the callback thread writes them.
#define BUMP(field, n) __atomic_store_n(&(field), __atomic_load_n(&(field), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)
#define GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

gbx_stream *gbx_new(uint32_t capacity_frames, uint32_t channels, int64_t period_ns,
                    uint32_t in_capacity, uint32_t in_channels) {
	gbx_stream *s = NULL;
	if (posix_memalign((void **)&s, 64, sizeof *s) != 0) {
		return NULL;
	}
	memset(s, 0, sizeof *s);
	size_t bytes = (size_t)capacity_frames * channels * sizeof(float);
	if (posix_memalign((void **)&s->buf, 64, bytes) != 0) {
		free(s);
		return NULL;
	}
	memset(s->buf, 0, bytes); // touch every page now, not in the callback
	s->mask = capacity_frames - 1;
	s->channels = channels;
	s->period_ns = period_ns;
	if (in_channels > 0) {
		size_t in_bytes = (size_t)in_capacity * in_channels * sizeof(float);
		if (posix_memalign((void **)&s->in_buf, 64, in_bytes) != 0) {
			free(s->buf);
			free(s);
			return NULL;
		}
		memset(s->in_buf, 0, in_bytes);
		s->in_mask = in_capacity - 1;
		s->in_channels = in_channels;
	}
	return s;
}

void gbx_free(gbx_stream *s) {
	if (s) {
		free(s->in_buf);
		free(s->buf);
		free(s);
	}
}

unsigned long gbx_consume(gbx_stream *s, float *out, unsigned long frames) {
	uint32_t r = s->read; // our own index
	uint32_t avail = __atomic_load_n(&s->write, __ATOMIC_ACQUIRE) - r;
	uint32_t n = frames < avail ? (uint32_t)frames : avail;
	if (n > 0) {
		uint32_t ch = s->channels;
		uint32_t start = r & s->mask;
		uint32_t first = s->mask + 1 - start;
		if (first > n) {
			first = n;
		}
		memcpy(out, s->buf + (size_t)start * ch, (size_t)first * ch * sizeof(float));
		memcpy(out + (size_t)first * ch, s->buf, (size_t)(n - first) * ch * sizeof(float));
		// Hand the slots back to the producer only after the copy.
		__atomic_store_n(&s->read, r + n, __ATOMIC_RELEASE);
	}
	if (n < frames) {
		memset(out + (size_t)n * s->channels, 0, (size_t)(frames - n) * s->channels * sizeof(float));
		BUMP(s->underruns, 1);
	}
	return n;
}

// in_put copies n frames of src (NULL: silence) into the input ring at
// write index w, wrapping, and returns the index after them. It does not
// publish them.
static uint32_t in_put(gbx_stream *s, uint32_t w, const float *src, uint32_t n) {
	if (n == 0) {
		return w;
	}
	uint32_t ch = s->in_channels;
	uint32_t start = w & s->in_mask;
	uint32_t first = s->in_mask + 1 - start;
	if (first > n) {
		first = n;
	}
	float *a = s->in_buf + (size_t)start * ch;
	size_t a_bytes = (size_t)first * ch * sizeof(float), b_bytes = (size_t)(n - first) * ch * sizeof(float);
	if (src) {
		memcpy(a, src, a_bytes);
		memcpy(s->in_buf, src + (size_t)first * ch, b_bytes);
	} else {
		memset(a, 0, a_bytes);
		memset(s->in_buf, 0, b_bytes);
	}
	return w + n;
}

void gbx_capture(gbx_stream *s, const float *in, unsigned long frames, unsigned long keep) {
	if (s->in_channels == 0) {
		return;
	}
	if (keep > frames) {
		keep = frames;
	}
	BUMP(s->in_frames, frames);
	if (keep < frames) {
		BUMP(s->in_skipped, frames - keep);
	}
	uint32_t w = s->in_write; // our own index
	uint32_t room = s->in_mask + 1 - (w - __atomic_load_n(&s->in_read, __ATOMIC_ACQUIRE));
	// Silence owed for lost frames first, so that later frames keep their place.
	uint64_t owed = s->in_owed;
	uint32_t z = owed < room ? (uint32_t)owed : room;
	w = in_put(s, w, NULL, z);
	room -= z;
	owed -= z;
	uint32_t n = 0;
	if (owed == 0) {
		n = keep < room ? (uint32_t)keep : room;
		w = in_put(s, w, in, n);
	}
	if (n < keep) {
		owed += keep - n;
		BUMP(s->in_lost, keep - n);
	}
	s->in_owed = owed;
	// Publish the frames to the consumer only after the copy.
	__atomic_store_n(&s->in_write, w, __ATOMIC_RELEASE);
}

// gbx_callback runs on PortAudio's audio thread (ALSA: a pthread PortAudio
// creates; JACK: libjack's process thread). It owns out for the duration of
// the call.
static int gbx_callback(const void *in, void *out, unsigned long frames,
                        const PaStreamCallbackTimeInfo *time_info,
                        PaStreamCallbackFlags flags, void *user) {
	gbx_stream *s = user;

	int64_t now = now_ns();
	int64_t last = s->last_ns; // only this thread writes it
	if (last == 0) {
		SET(s->first_ns, now);
	} else {
		int64_t gap = now - last;
		if (gap > 2 * s->period_ns) {
			BUMP(s->late, 1);
		}
		if (gap > s->max_gap_ns) {
			SET(s->max_gap_ns, gap);
		}
	}
	SET(s->last_ns, now);
	if (flags & paOutputUnderflow) {
		BUMP(s->underflows, 1);
	}

	unsigned long played = gbx_consume(s, out, frames);
	if (s->in_channels > 0) {
		if (flags & paInputOverflow) {
			BUMP(s->in_overflows, 1);
		}
		gbx_capture(s, in, frames, played);
	}
	if (__atomic_load_n(&s->onset_armed, __ATOMIC_ACQUIRE)) {
		int64_t dac = 0;
		if (time_info && time_info->outputBufferDacTime > 0 && time_info->currentTime > 0) {
			dac = (int64_t)((time_info->outputBufferDacTime - time_info->currentTime) * 1e9);
		}
		gbx_onset_scan(s, out, frames, now, dac);
	}

	BUMP(s->frames, frames);
	BUMP(s->callbacks, 1);
	return paContinue;
}

PaError gbx_open(gbx_stream *s, int device, int in_device, double rate, unsigned long block,
                 double latency, double in_latency, int *rt_sched) {
	PaStreamParameters out;
	memset(&out, 0, sizeof out);
	out.device = device;
	out.channelCount = (int)s->channels;
	out.sampleFormat = paFloat32; // interleaved
	out.suggestedLatency = latency;
	out.hostApiSpecificStreamInfo = NULL;

	PaStreamParameters in;
	memset(&in, 0, sizeof in);
	in.device = in_device;
	in.channelCount = (int)s->in_channels;
	in.sampleFormat = paFloat32;
	in.suggestedLatency = in_latency;
	in.hostApiSpecificStreamInfo = NULL;
	// One stream with one callback for both directions (full duplex), so
	// the callback sees each output block with the input block captured
	// alongside it.
	const PaStreamParameters *inp = in_device >= 0 && s->in_channels > 0 ? &in : NULL;

	// paDitherOff: we hand over float32 and want the samples unchanged
	// wherever the host converts; PortAudio clips when converting to
	// integer formats.
	PaError err = Pa_OpenStream(&s->stream, inp, &out, rate, block, paDitherOff, gbx_callback, s);
	if (err != paNoError) {
		s->stream = NULL;
		return err;
	}
	*rt_sched = 0;
#ifdef __linux__
	// Only an ALSA stream may be cast to PaAlsaStream by this call.
	const PaDeviceInfo *di = Pa_GetDeviceInfo(device);
	const PaHostApiInfo *hi = di ? Pa_GetHostApiInfo(di->hostApi) : NULL;
	if (hi && hi->type == paALSA) {
		PaAlsa_EnableRealtimeScheduling(s->stream, 1);
		*rt_sched = 1;
	}
#endif
	return paNoError;
}

PaError gbx_start(gbx_stream *s) { return Pa_StartStream(s->stream); }

// gbx_abort stops the stream at once, dropping what the host still buffers.
// When it returns the callback is not running and will not run again.
PaError gbx_abort(gbx_stream *s) { return Pa_AbortStream(s->stream); }

PaError gbx_close(gbx_stream *s) {
	if (!s->stream) {
		return paNoError;
	}
	PaError err = Pa_CloseStream(s->stream);
	s->stream = NULL;
	return err;
}

void gbx_latency(gbx_stream *s, double *in, double *out) {
	const PaStreamInfo *info = Pa_GetStreamInfo(s->stream);
	*in = info ? info->inputLatency : 0;
	*out = info ? info->outputLatency : 0;
}

void gbx_read_counters(const gbx_stream *s, gbx_counters *out) {
	out->callbacks = GET(s->callbacks);
	out->frames = GET(s->frames);
	out->underruns = GET(s->underruns);
	out->underflows = GET(s->underflows);
	out->late = GET(s->late);
	out->max_gap_ns = GET(s->max_gap_ns);
	out->first_ns = GET(s->first_ns);
	out->last_ns = GET(s->last_ns);
	out->now_ns = now_ns();
	out->in_frames = GET(s->in_frames);
	out->in_lost = GET(s->in_lost);
	out->in_skipped = GET(s->in_skipped);
	out->in_overflows = GET(s->in_overflows);
}

// gbx_onset_scan runs on the callback thread (or a test standing in for
// it), after the block is in out: a bounded loop over the block's samples,
// only while the probe is armed.
void gbx_onset_scan(gbx_stream *s, const float *out, unsigned long frames, int64_t now_ns, int64_t dac_ns) {
	if (!__atomic_load_n(&s->onset_armed, __ATOMIC_ACQUIRE)) {
		return;
	}
	unsigned long n = frames * s->channels;
	for (unsigned long i = 0; i < n; i++) {
		if (out[i] != 0.0f) {
			SET(s->onset_frame, (uint32_t)(i / s->channels));
			SET(s->onset_frames, (uint32_t)frames);
			SET(s->onset_ns, now_ns);
			SET(s->onset_dac_ns, dac_ns);
			// Publish the fields before the count the reader polls.
			__atomic_store_n(&s->onset_seq, GET(s->onset_seq) + 1, __ATOMIC_RELEASE);
			__atomic_store_n(&s->onset_armed, 0, __ATOMIC_RELEASE);
			return;
		}
	}
}

uint64_t gbx_onset_arm(gbx_stream *s) {
	uint64_t seq = __atomic_load_n(&s->onset_seq, __ATOMIC_ACQUIRE);
	__atomic_store_n(&s->onset_armed, 1, __ATOMIC_RELEASE);
	return seq;
}

uint64_t gbx_onset_read(const gbx_stream *s, gbx_onset *out) {
	uint64_t seq = __atomic_load_n(&s->onset_seq, __ATOMIC_ACQUIRE);
	out->frame = GET(s->onset_frame);
	out->frames = GET(s->onset_frames);
	out->ns = GET(s->onset_ns);
	out->dac_ns = GET(s->onset_dac_ns);
	return seq;
}

int64_t gbx_now(void) { return now_ns(); }

// gbx_alsa_preflight counts what PortAudio's ALSA device scan will try, so
// Go can refuse to call Pa_Initialize when that scan would abort the
// process. BuildDeviceList (pa_linux_alsa.c, 19.6 and current) walks the
// card PCMs and the plugin PCMs of the ALSA configuration, skipping the
// "default" and "dmix" plugins in its first pass, then asserts
// devIdx < numDeviceNames. With no "default" or "dmix" among the names, that
// assertion fails whenever every name opens (trivially when there are none,
// e.g. ALSA_CONFIG_PATH pointing at a file that defines no PCM, or a missing
// alsa.conf), and Debian builds PortAudio with assertions on: SIGABRT.
//
// It sets *cards (sound cards), *plugins (plugin PCM names PortAudio would
// not ignore) and *has_default (one of them is "default" or "dmix").
// Control side only; it may print ALSA errors to stderr.
void gbx_alsa_preflight(int *cards, int *plugins, int *has_default) {
	*cards = 0;
	*plugins = 0;
	*has_default = 0;
#ifdef __linux__
	static const char *ignored[] = {"hw", "plughw", "plug", "dsnoop", "tee", "file", "null", "shm", "cards", "rate_convert", NULL};
	int card = -1;
	while (snd_card_next(&card) == 0 && card >= 0) {
		(*cards)++;
	}
	if (snd_config_update() < 0 || snd_config == NULL) {
		return;
	}
	snd_config_t *pcm = NULL;
	if (snd_config_search(snd_config, "pcm", &pcm) < 0) {
		return;
	}
	snd_config_iterator_t i, next;
	snd_config_for_each(i, next, pcm) {
		const char *id = NULL;
		if (snd_config_get_id(snd_config_iterator_entry(i), &id) < 0 || id == NULL) {
			continue;
		}
		int skip = 0;
		for (int k = 0; ignored[k]; k++) {
			if (strcmp(id, ignored[k]) == 0) {
				skip = 1;
				break;
			}
		}
		if (skip) {
			continue;
		}
		(*plugins)++;
		if (strcmp(id, "default") == 0 || strcmp(id, "dmix") == 0) {
			*has_default = 1;
		}
	}
#else
	*has_default = 1; // no ALSA host API to trip over
#endif
}

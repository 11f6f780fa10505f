//go:build portaudio

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clicker.h"

// clicker_process runs on the client's process thread once per cycle. The
// clicks fall on the server's frame clock: out_p has one at every frame t
// with t % period == shift*(p-1), so they keep their spacing whatever
// other clients do, unless the server itself skips frames.
static int clicker_process(jack_nframes_t frames, void *arg) {
	gbx_clicker *c = arg;
	const float *src = jack_port_get_buffer(c->in, frames);
	float *loop = jack_port_get_buffer(c->out[0], frames);
	memcpy(loop, src, frames * sizeof(float));
	jack_nframes_t t0 = jack_last_frame_time(c->client);
	for (int p = 1; p < c->ports; p++) {
		float *o = jack_port_get_buffer(c->out[p], frames);
		memset(o, 0, frames * sizeof(float));
		uint32_t at = c->shift * (uint32_t)(p - 1);
		for (jack_nframes_t i = 0; i < frames; i++) {
			if ((uint32_t)(t0 + i) % c->period == at) {
				o[i] = c->level;
			}
		}
	}
	__atomic_store_n(&c->cycles, c->cycles + 1, __ATOMIC_RELEASE);
	return 0;
}

static int clicker_xrun(void *arg) {
	gbx_clicker *c = arg;
	__atomic_add_fetch(&c->xruns, 1, __ATOMIC_RELAXED);
	return 0;
}

gbx_clicker *gbx_clicker_open(const char *server, const char *name, int ports, uint32_t period, uint32_t shift, float level, int *status) {
	if (ports < 1 || ports > GBX_CLICKER_PORTS || period == 0) {
		*status = -3;
		return NULL;
	}
	gbx_clicker *c = calloc(1, sizeof *c);
	if (!c) {
		*status = -1;
		return NULL;
	}
	c->ports = ports;
	c->period = period;
	c->shift = shift;
	c->level = level;
	jack_status_t st = 0;
	c->client = jack_client_open(name, JackNoStartServer | JackServerName | JackUseExactName, &st, server);
	if (!c->client) {
		*status = (int)st;
		free(c);
		return NULL;
	}
	c->in = jack_port_register(c->client, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
	int ok = c->in != NULL;
	for (int p = 0; p < ports && ok; p++) {
		char port[16];
		snprintf(port, sizeof port, "out_%d", p);
		c->out[p] = jack_port_register(c->client, port, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
		ok = c->out[p] != NULL;
	}
	if (!ok || jack_set_process_callback(c->client, clicker_process, c) != 0 ||
	    jack_set_xrun_callback(c->client, clicker_xrun, c) != 0 ||
	    jack_activate(c->client) != 0) {
		*status = -2;
		jack_client_close(c->client);
		free(c);
		return NULL;
	}
	return c;
}

int gbx_clicker_connect(gbx_clicker *c, const char *src, const char *dst) {
	return jack_connect(c->client, src, dst);
}

const char *gbx_clicker_port(gbx_clicker *c, int i) {
	return jack_port_name(i < 0 ? c->in : c->out[i]);
}

uint64_t gbx_clicker_cycles(gbx_clicker *c) { return __atomic_load_n(&c->cycles, __ATOMIC_ACQUIRE); }
uint64_t gbx_clicker_xruns(gbx_clicker *c) { return __atomic_load_n(&c->xruns, __ATOMIC_RELAXED); }

void gbx_clicker_close(gbx_clicker *c) {
	jack_deactivate(c->client);
	jack_client_close(c->client);
	free(c);
}

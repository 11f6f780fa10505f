//go:build portaudio

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe.h"

int64_t gbx_probe_now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// process runs on the client's process thread once per cycle.
static int process(jack_nframes_t frames, void *arg) {
	(void)frames;
	gbx_probe *p = arg;
	uint64_t n = p->cycles;
	__atomic_store_n(&p->stamp[n % GBX_PROBE_CYCLES], gbx_probe_now(), __ATOMIC_RELAXED);
	__atomic_store_n(&p->cycles, n + 1, __ATOMIC_RELEASE);
	return 0;
}

static int xrun(void *arg) {
	gbx_probe *p = arg;
	__atomic_add_fetch(&p->xruns, 1, __ATOMIC_RELAXED);
	return 0;
}

gbx_probe *gbx_probe_open(const char *server, int *status) {
	gbx_probe *p = calloc(1, sizeof *p);
	if (!p) {
		*status = -1;
		return NULL;
	}
	jack_status_t st = 0;
	p->client = jack_client_open("gridbox-probe", JackNoStartServer | JackServerName, &st, server);
	if (!p->client) {
		*status = (int)st;
		free(p);
		return NULL;
	}
	if (jack_set_process_callback(p->client, process, p) != 0 ||
	    jack_set_xrun_callback(p->client, xrun, p) != 0 ||
	    jack_activate(p->client) != 0) {
		*status = -2;
		jack_client_close(p->client);
		free(p);
		return NULL;
	}
	return p;
}

void gbx_probe_close(gbx_probe *p) {
	jack_deactivate(p->client);
	jack_client_close(p->client);
	free(p);
}

uint64_t gbx_probe_cycles(gbx_probe *p) { return __atomic_load_n(&p->cycles, __ATOMIC_ACQUIRE); }
uint64_t gbx_probe_xruns(gbx_probe *p) { return __atomic_load_n(&p->xruns, __ATOMIC_RELAXED); }
int64_t gbx_probe_stamp(gbx_probe *p, uint64_t i) { return __atomic_load_n(&p->stamp[i % GBX_PROBE_CYCLES], __ATOMIC_RELAXED); }

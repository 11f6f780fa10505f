// The C half of jackprobe: a JACK client whose process callback only
// stamps each cycle with CLOCK_MONOTONIC. See probe.go.

#ifndef GRIDBOX_JACKPROBE_H
#define GRIDBOX_JACKPROBE_H

#include <stdint.h>
#include <jack/jack.h>

#define GBX_PROBE_CYCLES (1 << 17) // stamps kept: about 6 minutes at 375 cycles a second

typedef struct {
	jack_client_t *client;
	uint64_t cycles;               // cycles seen; written by the process thread only
	uint64_t xruns;                // xruns the server reported
	int64_t stamp[GBX_PROBE_CYCLES]; // CLOCK_MONOTONIC of cycle i at stamp[i % GBX_PROBE_CYCLES]
} gbx_probe;

// gbx_probe_open connects to the JACK server called server (never starting
// one) and activates the client; it returns NULL and sets *status on
// failure.
gbx_probe *gbx_probe_open(const char *server, int *status);
void gbx_probe_close(gbx_probe *p);
uint64_t gbx_probe_cycles(gbx_probe *p);
uint64_t gbx_probe_xruns(gbx_probe *p);
int64_t gbx_probe_stamp(gbx_probe *p, uint64_t i);
int64_t gbx_probe_now(void);

#endif

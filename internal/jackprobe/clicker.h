// The C half of jackprobe's Clicker: a JACK client that plays a click train
// and loops one input back out. See clicker.go.

#ifndef GRIDBOX_JACKPROBE_CLICKER_H
#define GRIDBOX_JACKPROBE_CLICKER_H

#include <stdint.h>
#include <jack/jack.h>

#define GBX_CLICKER_PORTS 9 // out_0 (the loopback) and up to 8 click outputs

typedef struct {
	jack_client_t *client;
	jack_port_t *in;                       // the loopback's source
	jack_port_t *out[GBX_CLICKER_PORTS];   // out_0: a copy of in; out_p (p ≥ 1): the click train
	int ports;                             // output ports in use
	uint32_t period;                       // frames between clicks
	uint32_t shift;                        // out_p clicks shift*(p-1) frames after out_1
	float level;
	uint64_t cycles;                       // written by the process thread only
	uint64_t xruns;
} gbx_clicker;

// gbx_clicker_open connects a client called name to the JACK server called
// server (never starting one), registers its ports and activates it; it
// returns NULL and sets *status on failure.
gbx_clicker *gbx_clicker_open(const char *server, const char *name, int ports, uint32_t period, uint32_t shift, float level, int *status);
int gbx_clicker_connect(gbx_clicker *c, const char *src, const char *dst);
const char *gbx_clicker_port(gbx_clicker *c, int i); // i < 0: the input
uint64_t gbx_clicker_cycles(gbx_clicker *c);
uint64_t gbx_clicker_xruns(gbx_clicker *c);
void gbx_clicker_close(gbx_clicker *c);

#endif

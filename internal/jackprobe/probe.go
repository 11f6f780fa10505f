//go:build portaudio

package jackprobe

/*
#cgo pkg-config: jack
#include <stdlib.h>
#include "probe.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// A Probe is a JACK client counting the server's cycles.
type Probe struct{ p *C.gbx_probe }

// Open connects a probe to the running JACK server called server (it never
// starts one) and activates it.
func Open(server string) (*Probe, error) {
	cs := C.CString(server)
	defer C.free(unsafe.Pointer(cs))
	var status C.int
	p := C.gbx_probe_open(cs, &status)
	if p == nil {
		return nil, fmt.Errorf("jackprobe: cannot connect to JACK server %q (status %#x)", server, int(status))
	}
	return &Probe{p}, nil
}

// Now returns the CLOCK_MONOTONIC nanoseconds the probe stamps cycles with.
func Now() int64 { return int64(C.gbx_probe_now()) }

// Cycles returns how many cycles the probe saw from from to to
// (CLOCK_MONOTONIC nanoseconds), and whether it still holds the stamps of
// that whole interval (it keeps the latest 2^17).
func (p *Probe) Cycles(from, to int64) (n int, complete bool) {
	total := uint64(C.gbx_probe_cycles(p.p))
	oldest := uint64(0)
	if total > C.GBX_PROBE_CYCLES {
		oldest = total - C.GBX_PROBE_CYCLES
	}
	for i := oldest; i < total; i++ {
		if s := int64(C.gbx_probe_stamp(p.p, C.uint64_t(i))); s >= from && s <= to {
			n++
		}
	}
	complete = oldest == 0 || int64(C.gbx_probe_stamp(p.p, C.uint64_t(oldest))) <= from
	return n, complete
}

// Xruns returns the xruns the server reported to the probe.
func (p *Probe) Xruns() uint64 { return uint64(C.gbx_probe_xruns(p.p)) }

// Close deactivates and closes the client.
func (p *Probe) Close() {
	C.gbx_probe_close(p.p)
	p.p = nil
}

//go:build portaudio

package jackprobe

/*
#include <stdlib.h>
#include "clicker.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// A Clicker is a JACK client standing in for a musician and a loopback
// cable: its output out_0 copies its input "in" in the same cycle (a
// cable from an output back to an input), and each further output out_p
// plays a one-frame click of Level every Period frames of the server's
// frame clock, out_p Shift×(p−1) frames after out_1 (so a test can tell
// the channels apart). Its process thread is libjack's; the methods are
// for one control goroutine.
type Clicker struct{ c *C.gbx_clicker }

// ClickerConfig shapes a Clicker.
type ClickerConfig struct {
	Name   string  // JACK client name (exact)
	Clicks int     // click outputs out_1…out_Clicks (at most 8)
	Period int     // frames between clicks
	Shift  int     // frames between the clicks of out_p and out_p+1
	Level  float32 // the clicks' sample value
}

// OpenClicker connects a Clicker to the running JACK server called server
// (it never starts one) and activates it.
func OpenClicker(server string, cfg ClickerConfig) (*Clicker, error) {
	cs, cn := C.CString(server), C.CString(cfg.Name)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(cn))
	var status C.int
	c := C.gbx_clicker_open(cs, cn, C.int(cfg.Clicks+1), C.uint32_t(cfg.Period), C.uint32_t(cfg.Shift), C.float(cfg.Level), &status)
	if c == nil {
		return nil, fmt.Errorf("jackprobe: clicker %q on JACK server %q: cannot open (status %#x)", cfg.Name, server, int(status))
	}
	return &Clicker{c}, nil
}

// Input is the full name of the loopback's input port.
func (c *Clicker) Input() string { return C.GoString(C.gbx_clicker_port(c.c, -1)) }

// Output is the full name of output i (0: the loopback; 1…: clicks).
func (c *Clicker) Output(i int) string { return C.GoString(C.gbx_clicker_port(c.c, C.int(i))) }

// Connect connects the port called src to the port called dst (full
// names, "client:port").
func (c *Clicker) Connect(src, dst string) error {
	cs, cd := C.CString(src), C.CString(dst)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(cd))
	if rc := C.gbx_clicker_connect(c.c, cs, cd); rc != 0 {
		return fmt.Errorf("jackprobe: connect %s to %s: error %d", src, dst, int(rc))
	}
	return nil
}

// Cycles returns the process cycles the clicker has run.
func (c *Clicker) Cycles() uint64 { return uint64(C.gbx_clicker_cycles(c.c)) }

// Xruns returns the xruns the server reported to the clicker.
func (c *Clicker) Xruns() uint64 { return uint64(C.gbx_clicker_xruns(c.c)) }

// Close deactivates and closes the client.
func (c *Clicker) Close() {
	C.gbx_clicker_close(c.c)
	c.c = nil
}

package monome

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// A Model is a grid size by the name gridbox's performance scripts use
// ("serial monome-128 21 03 04").
type Model uint8

// The three grid sizes monome made (the team's protocol notes (protocols.md) §3.1).
const (
	Model64  Model = iota + 1 // monome-64: 8×8
	Model128                  // monome-128: 16×8
	Model256                  // monome-256: 16×16
)

// String returns "monome-64", "monome-128" or "monome-256".
func (m Model) String() string {
	switch m {
	case Model64:
		return "monome-64"
	case Model128:
		return "monome-128"
	case Model256:
		return "monome-256"
	}
	return fmt.Sprintf("Model(%d)", uint8(m))
}

// ParseModel parses a name that String returns.
func ParseModel(s string) (Model, error) {
	for _, m := range []Model{Model64, Model128, Model256} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("monome: unknown model %q (want monome-64, monome-128 or monome-256)", s)
}

// Size returns the model's columns and rows; 0, 0 for an invalid Model.
func (m Model) Size() (cols, rows int) {
	switch m {
	case Model64:
		return 8, 8
	case Model128:
		return 16, 8
	case Model256:
		return 16, 16
	}
	return 0, 0
}

// ModelOf returns the Model of a cols×rows grid; false for other sizes, which
// still work but have no script name.
func ModelOf(cols, rows int) (Model, bool) {
	for _, m := range []Model{Model64, Model128, Model256} {
		if c, r := m.Size(); c == cols && r == rows {
			return m, true
		}
	}
	return 0, false
}

// SerialProtocol says, from a USB serial string, which protocol the device
// speaks and, for series grids, its size (libmonome src/private/devices.h):
// "m64-…" 8×8, "m128-…" 16×8, "m256-…" 16×16 and "mk…" (kits) 16×16 speak
// Series; "m" plus digits (m1000285) speaks Mext, whose size is queried
// (cols, rows = 0). 40h devices ("m40h…", "a40h-…") and anything else give
// ok = false: gridbox does not speak the 40h protocol.
func SerialProtocol(serial string) (p Protocol, cols, rows int, ok bool) {
	switch {
	case strings.HasPrefix(serial, "m40h"), strings.HasPrefix(serial, "a40h"):
		return 0, 0, 0, false
	case strings.HasPrefix(serial, "m64-"):
		return Series, 8, 8, true
	case strings.HasPrefix(serial, "m128-"):
		return Series, 16, 8, true
	case strings.HasPrefix(serial, "m256-"):
		return Series, 16, 16, true
	case strings.HasPrefix(serial, "mk"):
		return Series, 16, 16, true
	case mDigits(serial):
		return Mext, 0, 0, true
	}
	return 0, 0, 0, false
}

// mDigits reports whether s starts with "m" and a digit, the serial test
// serialosc's detector makes with sscanf("m%d").
func mDigits(s string) bool {
	return len(s) >= 2 && s[0] == 'm' && s[1] >= '0' && s[1] <= '9'
}

// MatchSerial applies serialosc's Linux detector rule (serialosc-detector/
// libudev.c, the team's protocol notes (protocols.md) §3.1, §3.4) to a tty and the udev properties
// ID_VENDOR, ID_MODEL and ID_SERIAL_SHORT the caller read for it:
//   - any FTDI device (a usb-serial parent: /dev/ttyUSB*, or vendor "FTDI")
//     matches: older grids are FTDI;
//   - a CDC-ACM device matches when vendor is "monome" and model "grid", or
//     the serial is "m" followed by digits. Older CDC grids share a VID/PID
//     with other STM devices, so VID/PID prove nothing.
//
// A grid switched to iii scripting mode reports vendor "iii" and is refused,
// as serialosc does since PR #78. Nothing else (ttyS*, ttyAMA*: the Pi's own
// UARTs) matches.
func MatchSerial(devicePath, vendor, model, serial string) bool {
	if strings.EqualFold(vendor, "iii") {
		return false
	}
	base := path.Base(devicePath)
	if strings.HasPrefix(base, "ttyUSB") || strings.EqualFold(vendor, "FTDI") {
		return true
	}
	if !strings.HasPrefix(base, "ttyACM") && !strings.HasPrefix(devicePath, "/dev/serial/by-id/") {
		return false
	}
	return (vendor == "monome" && model == "grid") || mDigits(serial)
}

// ParseByID splits a /dev/serial/by-id name such as
// "usb-monome_grid_m1000285-if00" into udev's vendor, model and serial
// (ID_VENDOR, ID_MODEL, ID_SERIAL_SHORT, spaces turned into '_'). The serial
// is the last '_' field and the vendor the first, so a model with '_' in it
// comes back whole. ok is false for names not in that form [inferred: standard
// udev 60-serial.rules naming].
func ParseByID(name string) (vendor, model, serial string, ok bool) {
	name = path.Base(name)
	rest, found := strings.CutPrefix(name, "usb-")
	if !found {
		return "", "", "", false
	}
	if i := strings.LastIndex(rest, "-if"); i >= 0 {
		rest = rest[:i]
	}
	first := strings.IndexByte(rest, '_')
	last := strings.LastIndexByte(rest, '_')
	if first < 0 || first == last {
		return "", "", "", false
	}
	return rest[:first], rest[first+1 : last], rest[last+1:], true
}

// CandidatePaths orders the device paths worth probing for a grid, given the
// entries of /dev/serial/by-id/, and the /dev/ttyACM* and /dev/ttyUSB* nodes,
// as full paths (the caller lists the directories; this reads nothing). Order:
//  1. by-id links whose name says monome (vendor "monome", or a serial "m" plus
//     digits, or a series/kit serial): stable names, so a grid keeps its
//     identity across replugs;
//  2. other by-id links that MatchSerial accepts (FTDI devices);
//  3. /dev/ttyACM*, then /dev/ttyUSB*, in numeric order (ttyACM2 before
//     ttyACM10).
//
// Everything else is dropped, in particular the Pi's UARTs (ttyAMA*, ttyS*),
// by-id links refused by MatchSerial (an iii-mode grid) and duplicates. A
// by-id link and the tty node it points to are the same device; resolving
// that needs the filesystem, so the caller skips a node it already opened.
func CandidatePaths(entries []string) []string {
	type cand struct {
		rank int
		num  int
		p    string
	}
	var cs []cand
	seen := map[string]bool{}
	for _, p := range entries {
		if seen[p] {
			continue
		}
		seen[p] = true
		base := path.Base(p)
		switch {
		case strings.HasPrefix(p, "/dev/serial/by-id/"):
			v, m, s, ok := ParseByID(base)
			if !ok || !MatchSerial(p, v, m, s) {
				continue
			}
			rank := 1
			if _, _, _, known := SerialProtocol(s); known || strings.EqualFold(v, "monome") {
				rank = 0
			}
			cs = append(cs, cand{rank, 0, p})
		case strings.HasPrefix(base, "ttyACM"):
			if n, err := strconv.Atoi(base[len("ttyACM"):]); err == nil {
				cs = append(cs, cand{2, n, p})
			}
		case strings.HasPrefix(base, "ttyUSB"):
			if n, err := strconv.Atoi(base[len("ttyUSB"):]); err == nil {
				cs = append(cs, cand{3, n, p})
			}
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.num != b.num {
			return a.num - b.num
		}
		return strings.Compare(a.p, b.p)
	})
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.p
	}
	return out
}

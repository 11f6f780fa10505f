package serialport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"gridbox/grid/monome"
)

// byIDDir is where udev links each USB serial device under a stable name
// (60-serial.rules), e.g. usb-monome_grid_m1000285-if00 -> ../../ttyACM0.
const byIDDir = "/dev/serial/by-id"

// sysfsRoot is where Linux publishes its device tree; elsewhere it does not
// exist and nodes without a by-id link get no USB strings.
const sysfsRoot = "/sys"

// nodePatterns are the tty nodes a grid can appear as: CDC-ACM (newer
// grids) and FTDI usb-serial (older ones). The Pi's UARTs (ttyAMA*, ttyS*)
// are not grids and are never listed.
var nodePatterns = []string{"/dev/ttyACM*", "/dev/ttyUSB*"}

// A Candidate is a serial device that may be a monome grid.
type Candidate struct {
	// Path is the device node: /dev/serial/by-id/... when there is one
	// (it survives a replug onto another ttyACM number), else
	// /dev/ttyACM0 ...
	Path string
	// Vendor, Model and Serial are the USB manufacturer, product and
	// serial strings when known ("monome", "grid", "m1000285"), in the
	// form udev gives them in by-id names (spaces as '_'): from the by-id
	// name, or for a node without one, from sysfs. Serial tells the
	// protocol and a series grid's size: monome.SerialProtocol.
	Vendor, Model, Serial string
}

// Scan lists the serial devices that may be grids, in the order
// monome.CandidatePaths gives, each device once (a by-id link, not also the
// node it points to), filtered with monome.MatchSerial. On a machine with
// no serial ports and no /dev/serial directory it returns an empty list and
// no error; the error is only for a /dev/serial/by-id that exists but
// cannot be read.
//
// Scan never opens a device node. USB strings for a node without a by-id
// link (no udev) are read from sysfs, and a node sysfs does not describe
// is still listed, without them. Scan is safe to call from any goroutine.
func Scan() ([]Candidate, error) {
	byID, err := readByID(byIDDir)
	if err != nil {
		return nil, err
	}
	var nodes []string
	for _, pat := range nodePatterns {
		m, _ := filepath.Glob(pat) // the only error is ErrBadPattern
		nodes = append(nodes, m...)
	}
	return candidates(byID, nodes, func(node string) usbStrings {
		return readUSB(sysfsRoot, node)
	}), nil
}

// readByID maps each link in dir to the device node it resolves to. A
// missing dir gives an empty map: no udev, or no USB serial device plugged
// in. A link that no longer resolves (unplugged meanwhile) is left out.
func readByID(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("serialport: scan: %w", err)
	}
	links := make(map[string]string, len(entries))
	for _, e := range entries {
		link := filepath.Join(dir, e.Name())
		if node, err := filepath.EvalSymlinks(link); err == nil {
			links[link] = node
		}
	}
	return links, nil
}

// candidates is Scan without the filesystem. byID maps each
// /dev/serial/by-id link to the node it resolves to; nodes are tty device
// nodes (/dev/ttyACM0 ...); usb gives the USB strings of a node, and is
// called only for nodes no by-id link points to. A node that a by-id link
// points to is represented by the link alone, whether or not the link is
// accepted: an iii-mode grid refused by its link's vendor must not come
// back through its node's serial.
func candidates(byID map[string]string, nodes []string, usb func(node string) usbStrings) []Candidate {
	linked := make(map[string]bool, len(byID))
	paths := make([]string, 0, len(byID)+len(nodes))
	for link, node := range byID {
		paths = append(paths, link)
		linked[node] = true
	}
	for _, n := range nodes {
		if !linked[n] {
			paths = append(paths, n)
		}
	}
	var out []Candidate
	for _, p := range monome.CandidatePaths(paths) {
		c := Candidate{Path: p}
		if _, ok := byID[p]; ok {
			c.Vendor, c.Model, c.Serial, _ = monome.ParseByID(p)
		} else {
			u := usb(p)
			c.Vendor, c.Model, c.Serial = u.Manufacturer, u.Product, u.Serial
		}
		if monome.MatchSerial(c.Path, c.Vendor, c.Model, c.Serial) {
			out = append(out, c)
		}
	}
	return out
}

// usbStrings are a USB device's string descriptors as sysfs has them, each
// in udev's by-id form (udevString); empty when unknown.
type usbStrings struct{ Manufacturer, Product, Serial string }

// readUSB reads the USB strings of the device behind a tty node
// (/dev/ttyACM0, /dev/ttyUSB0) from the sysfs tree at root, as udev's
// usb_id does. It reads attribute files only and never opens the node.
// go.bug.st/serial/enumerator is not used: it opens every /dev/ttyS* it
// lists and leaves it raw at 9600 baud (bugst/go-serial#210), which would
// break a Pi's serial console, and on Linux it omits the manufacturer and
// product.
//
// root/class/tty/<name>/device links to the USB interface directory for
// CDC-ACM, and to the usb-serial port directory below it for FTDI; the USB
// device directory is the nearest one above it that has idVendor. Names
// other than ttyACM* and ttyUSB*, a node sysfs does not know, a broken
// link, or no USB device above it give empty strings; so does a missing
// attribute file, for that string alone.
func readUSB(root, node string) usbStrings {
	name := filepath.Base(node)
	if !strings.HasPrefix(name, "ttyACM") && !strings.HasPrefix(name, "ttyUSB") {
		return usbStrings{}
	}
	root, err := filepath.EvalSymlinks(root)
	if err != nil {
		return usbStrings{}
	}
	dir, err := filepath.EvalSymlinks(filepath.Join(root, "class", "tty", name, "device"))
	if err != nil {
		return usbStrings{}
	}
	// Stay inside root/devices, where every device directory lives.
	top := filepath.Join(root, "devices") + string(filepath.Separator)
	for ; strings.HasPrefix(dir, top); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "idVendor")); err == nil {
			return usbStrings{
				Manufacturer: readAttr(dir, "manufacturer"),
				Product:      readAttr(dir, "product"),
				Serial:       readAttr(dir, "serial"),
			}
		}
	}
	return usbStrings{}
}

// readAttr returns the sysfs attribute file dir/name in udev's by-id form,
// or "" when it cannot be read.
func readAttr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return udevString(string(b))
}

// udevString puts s in the form udev's usb_id gives ID_VENDOR, ID_MODEL and
// ID_SERIAL_SHORT, and so the by-id names monome.ParseByID splits: outer
// white space trimmed (with sysfs's trailing newline), each inner run of it
// made one '_', and any other byte that is not a letter, a digit, one of
// "#+-.:=@_" or part of valid UTF-8 made '_'. Strings from sysfs then match
// those from by-id names (FT232R USB UART: FT232R_USB_UART).
func udevString(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case space:
			b.WriteByte('_')
			space = false
		}
		switch {
		case r == utf8.RuneError, r < utf8.RuneSelf && !isIDChar(byte(r)):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isIDChar reports whether udev keeps the ASCII byte c in an ID string.
func isIDChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("#+-.:=@_", c) >= 0
}

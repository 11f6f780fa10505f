package serialport

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const (
	byIDMonome = "/dev/serial/by-id/usb-monome_monome_m1000285-if00"
	byIDSeries = "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_m64-0051-if00-port0"
	byIDFTDI   = "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0" // an FTDI cable: may be an old grid
	byIDIII    = "/dev/serial/by-id/usb-iii_grid_m1000286-if00"                   // a grid in iii scripting mode
	byIDOther  = "/dev/serial/by-id/usb-Arduino__www.arduino.cc__0043_85736323-if00"
)

// sysfs is a fake readUSB: the USB strings of each node it knows. It
// fails the test when asked about a node a by-id link points to, whose
// details come from the link alone.
func sysfs(t *testing.T, byID map[string]string, known map[string]usbStrings) func(string) usbStrings {
	return func(node string) usbStrings {
		for _, n := range byID {
			if n == node {
				t.Errorf("USB strings read for %s, which a by-id link points to", node)
			}
		}
		return known[node]
	}
}

// stm is what sysfs has for an STM32 CDC device, as older CDC grids are.
func stm(serial string) usbStrings {
	return usbStrings{Manufacturer: "STMicroelectronics", Product: "STM32_Virtual_ComPort", Serial: serial}
}

func TestCandidates(t *testing.T) {
	monome := Candidate{Path: byIDMonome, Vendor: "monome", Model: "monome", Serial: "m1000285"}
	series := Candidate{Path: byIDSeries, Vendor: "FTDI", Model: "FT232R_USB_UART", Serial: "m64-0051"}
	ftdi := Candidate{Path: byIDFTDI, Vendor: "FTDI", Model: "FT232R_USB_UART", Serial: "A50285BI"}
	tests := []struct {
		name    string
		byID    map[string]string
		nodes   []string
		details map[string]usbStrings
		want    []Candidate
	}{
		{name: "nothing plugged in"},
		{
			name:    "a by-id link and its node are one device, listed by the link",
			byID:    map[string]string{byIDMonome: "/dev/ttyACM0"},
			nodes:   []string{"/dev/ttyACM0"},
			details: map[string]usbStrings{"/dev/ttyACM0": stm("m1000285")},
			want:    []Candidate{monome},
		},
		{
			name:  "an FTDI series grid",
			byID:  map[string]string{byIDSeries: "/dev/ttyUSB0"},
			nodes: []string{"/dev/ttyUSB0"},
			want:  []Candidate{series},
		},
		{
			name:    "the Pi's UARTs are not grids",
			nodes:   []string{"/dev/ttyAMA0", "/dev/ttyS0"},
			details: map[string]usbStrings{"/dev/ttyAMA0": {}, "/dev/ttyS0": {}},
		},
		{
			name:    "an iii-mode grid is refused, and its node's m-serial does not let it back in",
			byID:    map[string]string{byIDIII: "/dev/ttyACM1"},
			nodes:   []string{"/dev/ttyACM1"},
			details: map[string]usbStrings{"/dev/ttyACM1": stm("m1000286")},
		},
		{
			name:  "without udev, the serial from sysfs admits CDC grids",
			nodes: []string{"/dev/ttyACM10", "/dev/ttyACM2", "/dev/ttyACM3"},
			details: map[string]usbStrings{
				"/dev/ttyACM10": stm("m1000999"), "/dev/ttyACM2": stm("m0000123"), "/dev/ttyACM3": stm("85736323"),
			},
			want: []Candidate{
				{Path: "/dev/ttyACM2", Vendor: "STMicroelectronics", Model: "STM32_Virtual_ComPort", Serial: "m0000123"},
				{Path: "/dev/ttyACM10", Vendor: "STMicroelectronics", Model: "STM32_Virtual_ComPort", Serial: "m1000999"},
			},
		},
		{
			name:  "without udev, sysfs's vendor and model admit a grid and refuse iii mode",
			nodes: []string{"/dev/ttyACM0", "/dev/ttyACM1"},
			details: map[string]usbStrings{
				"/dev/ttyACM0": {Manufacturer: "monome", Product: "grid", Serial: "G0001"},
				"/dev/ttyACM1": {Manufacturer: "iii", Product: "grid", Serial: "m1000286"},
			},
			want: []Candidate{{Path: "/dev/ttyACM0", Vendor: "monome", Model: "grid", Serial: "G0001"}},
		},
		{
			name:  "without udev or details, only FTDI nodes pass",
			nodes: []string{"/dev/ttyACM0", "/dev/ttyUSB0"},
			want:  []Candidate{{Path: "/dev/ttyUSB0"}},
		},
		{
			name: "all at once, in monome.CandidatePaths order",
			byID: map[string]string{
				byIDMonome: "/dev/ttyACM0",
				byIDSeries: "/dev/ttyUSB0",
				byIDFTDI:   "/dev/ttyUSB1",
				byIDIII:    "/dev/ttyACM1",
				byIDOther:  "/dev/ttyACM3",
			},
			nodes: []string{
				"/dev/ttyAMA0", "/dev/ttyS0", "/dev/ttyACM0", "/dev/ttyACM1", "/dev/ttyACM10",
				"/dev/ttyACM2", "/dev/ttyACM3", "/dev/ttyUSB2", "/dev/ttyUSB1", "/dev/ttyUSB0",
			},
			details: map[string]usbStrings{
				"/dev/ttyAMA0": {}, "/dev/ttyACM0": stm("m1000285"), "/dev/ttyACM1": stm("m1000286"),
				"/dev/ttyACM10": {Serial: "m1000999"}, "/dev/ttyACM2": {Serial: "m0000123"}, "/dev/ttyACM3": stm("85736323"),
				"/dev/ttyUSB2": {Manufacturer: "FTDI", Product: "FT232R_USB_UART", Serial: "m128-0107"},
			},
			want: []Candidate{
				series, monome, // by-id names that say monome ("F" sorts before "m")
				ftdi, // other by-id names MatchSerial accepts
				{Path: "/dev/ttyACM2", Serial: "m0000123"}, {Path: "/dev/ttyACM10", Serial: "m1000999"},
				{Path: "/dev/ttyUSB2", Vendor: "FTDI", Model: "FT232R_USB_UART", Serial: "m128-0107"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := candidates(tt.byID, tt.nodes, sysfs(t, tt.byID, tt.details))
			if !slices.Equal(got, tt.want) {
				t.Errorf("candidates =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestReadByID(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "dev")
	byID := filepath.Join(dev, "serial", "by-id")
	if err := os.MkdirAll(byID, 0o755); err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(dev, "ttyACM0")
	if err := os.WriteFile(node, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Relative links, as udev makes them; one whose device has gone.
	link := filepath.Join(byID, "usb-monome_grid_m1000285-if00")
	if err := os.Symlink("../../ttyACM0", link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../ttyACM9", filepath.Join(byID, "usb-monome_grid_m1000286-if00")); err != nil {
		t.Fatal(err)
	}
	resolved, err := filepath.EvalSymlinks(node) // TempDir itself may sit behind a link
	if err != nil {
		t.Fatal(err)
	}

	got, err := readByID(byID)
	if err != nil {
		t.Fatalf("readByID: %v", err)
	}
	if len(got) != 1 || got[link] != resolved {
		t.Errorf("readByID = %v, want only %s → %s", got, link, resolved)
	}

	got, err = readByID(filepath.Join(dir, "no-udev"))
	if err != nil || len(got) != 0 {
		t.Errorf("readByID of a missing dir = %v, %v; want empty, nil", got, err)
	}
	if _, err := readByID(node); err == nil {
		t.Error("readByID of a file: want an error")
	}
}

// Scan works on a machine with no serial devices and no /dev/serial, as
// the developers' machines and CI are.
func TestScan(t *testing.T) {
	got, err := Scan()
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	var nodes []string
	for _, pat := range nodePatterns {
		m, _ := filepath.Glob(pat)
		nodes = append(nodes, m...)
	}
	if _, err := os.Stat("/dev/serial"); !errors.Is(err, fs.ErrNotExist) || len(nodes) > 0 {
		t.Logf("this machine has serial devices %v; Scan found %+v", nodes, got)
		return
	}
	if len(got) != 0 {
		t.Errorf("Scan = %+v with no serial devices, want none", got)
	}
}

// usbDev is a USB device directory in the fake sysfs trees below, on a
// Pi 3's USB hub.
const usbDev = "devices/platform/soc/3f980000.usb/usb1/1-1/"

// sysfsTTY lays out tty name in the fake sysfs at root as the kernel does:
// root/<parent>/tty/<name>, whose device links back to parent, and
// root/class/tty/<name> linking to it. parent is the USB interface
// directory for CDC-ACM, the usb-serial port directory below it for FTDI.
func sysfsTTY(t *testing.T, root, parent, name string) {
	t.Helper()
	dir := filepath.Join(root, parent, "tty", name)
	mkdir(t, dir)
	symlink(t, filepath.Join("../../..", filepath.Base(parent)), filepath.Join(dir, "device"))
	symlink(t, filepath.Join("../..", parent, "tty", name), filepath.Join(root, "class", "tty", name))
}

// sysfsAttrs writes attribute files (name, content) into root/dir.
func sysfsAttrs(t *testing.T, root, dir string, attrs ...string) {
	t.Helper()
	mkdir(t, filepath.Join(root, dir))
	for i := 0; i+1 < len(attrs); i += 2 {
		if err := os.WriteFile(filepath.Join(root, dir, attrs[i]), []byte(attrs[i+1]), 0o444); err != nil {
			t.Fatal(err)
		}
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	mkdir(t, filepath.Dir(link))
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestReadUSB(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "sys")

	// A CDC-ACM grid: device links to the interface, the USB device is
	// its parent.
	sysfsAttrs(t, root, usbDev+"1-1.3", "idVendor", "0483\n", "manufacturer", "monome\n", "product", "grid\n", "serial", "m1000285\n")
	sysfsAttrs(t, root, usbDev+"1-1.3/1-1.3:1.0", "bInterfaceClass", "02\n")
	sysfsTTY(t, root, usbDev+"1-1.3/1-1.3:1.0", "ttyACM0")

	// An FTDI series grid: device links to the usb-serial port, two
	// levels below the USB device.
	sysfsAttrs(t, root, usbDev+"1-1.4", "idVendor", "0403\n", "manufacturer", "FTDI\n", "product", "FT232R USB UART\n", "serial", "m64-0051\n")
	sysfsAttrs(t, root, usbDev+"1-1.4/1-1.4:1.0", "bInterfaceClass", "ff\n")
	sysfsTTY(t, root, usbDev+"1-1.4/1-1.4:1.0/ttyUSB0", "ttyUSB0")

	// A device without a product string.
	sysfsAttrs(t, root, usbDev+"1-1.5", "idVendor", "0483\n", "manufacturer", "monome\n", "serial", "m1000286\n")
	sysfsTTY(t, root, usbDev+"1-1.5/1-1.5:1.0", "ttyACM1")

	// A class link to a device that has gone, and a device link that
	// leads nowhere.
	symlink(t, "../../"+usbDev+"1-1.6/1-1.6:1.0/tty/ttyACM7", filepath.Join(root, "class", "tty", "ttyACM7"))
	symlink(t, "../../"+usbDev+"1-1.7/1-1.7:1.0/tty/ttyACM8", filepath.Join(root, "class", "tty", "ttyACM8"))
	symlink(t, "../../../1-1.7:1.9", filepath.Join(root, usbDev+"1-1.7/1-1.7:1.0/tty/ttyACM8/device"))
	sysfsAttrs(t, root, usbDev+"1-1.7", "idVendor", "0483\n", "serial", "m1000287\n")

	// No USB device inside root: the walk must not find one above it.
	sysfsAttrs(t, tmp, ".", "idVendor", "0483\n", "serial", "m1000999\n")
	sysfsTTY(t, root, "devices/pci0000:00/0000:00:14.0/2-1:1.0", "ttyACM9")

	// A UART is not read, even under something with idVendor.
	sysfsAttrs(t, root, "devices/platform/serial8250", "idVendor", "0403\n", "serial", "m1000998\n")
	sysfsTTY(t, root, "devices/platform/serial8250", "ttyS0")

	tests := []struct {
		node string
		want usbStrings
	}{
		{"/dev/ttyACM0", usbStrings{Manufacturer: "monome", Product: "grid", Serial: "m1000285"}},
		{"/dev/ttyUSB0", usbStrings{Manufacturer: "FTDI", Product: "FT232R_USB_UART", Serial: "m64-0051"}},
		{"/dev/ttyACM1", usbStrings{Manufacturer: "monome", Serial: "m1000286"}},
		{"/dev/ttyACM5", usbStrings{}}, // not in sysfs
		{"/dev/ttyACM7", usbStrings{}},
		{"/dev/ttyACM8", usbStrings{}},
		{"/dev/ttyACM9", usbStrings{}},
		{"/dev/ttyS0", usbStrings{}},
	}
	for _, tt := range tests {
		if got := readUSB(root, tt.node); got != tt.want {
			t.Errorf("readUSB(%s) = %+v, want %+v", tt.node, got, tt.want)
		}
	}
	if got := readUSB(filepath.Join(tmp, "no-sysfs"), "/dev/ttyACM0"); got != (usbStrings{}) {
		t.Errorf("readUSB without sysfs = %+v, want empty", got)
	}
}

// The strings udev put in these by-id names come out the same from sysfs.
func TestUdevString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"monome\n", "monome"},
		{"m64-0051\n", "m64-0051"},
		{" FT232R  USB\tUART \n", "FT232R_USB_UART"},
		{"Arduino (www.arduino.cc)\n", "Arduino__www.arduino.cc_"}, // byIDOther
		{"Gerät Nº1", "Gerät_Nº1"},
		{"a\xffb", "a_b"},
		{"\n", ""},
	}
	for _, tt := range tests {
		if got := udevString(tt.in); got != tt.want {
			t.Errorf("udevString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

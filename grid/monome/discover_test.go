package monome_test

import (
	"reflect"
	"testing"

	"gridbox/grid/monome"
)

func TestModel(t *testing.T) {
	for _, c := range []struct {
		name       string
		cols, rows int
	}{{"monome-64", 8, 8}, {"monome-128", 16, 8}, {"monome-256", 16, 16}} {
		m, err := monome.ParseModel(c.name)
		if err != nil || m.String() != c.name {
			t.Errorf("ParseModel(%q) = %v, %v", c.name, m, err)
		}
		if cols, rows := m.Size(); cols != c.cols || rows != c.rows {
			t.Errorf("%v.Size() = %d, %d", m, cols, rows)
		}
		if got, ok := monome.ModelOf(c.cols, c.rows); !ok || got != m {
			t.Errorf("ModelOf(%d, %d) = %v, %v", c.cols, c.rows, got, ok)
		}
	}
	for _, bad := range []string{"", "monome-512", "monome/128", "Monome-64", "launchpad-x"} {
		if _, err := monome.ParseModel(bad); err == nil {
			t.Errorf("ParseModel(%q) succeeded", bad)
		}
	}
	if _, ok := monome.ModelOf(5, 3); ok {
		t.Error("ModelOf(5, 3) found a model")
	}
}

func TestSerialProtocol(t *testing.T) {
	cases := []struct {
		serial     string
		proto      monome.Protocol
		cols, rows int
		ok         bool
	}{
		{"m1000285", monome.Mext, 0, 0, true},
		{"m64-0123", monome.Series, 8, 8, true},
		{"m128-510", monome.Series, 16, 8, true},
		{"m256-042", monome.Series, 16, 16, true},
		{"mk0012", monome.Series, 16, 16, true},
		{"m40h0001", 0, 0, 0, false},
		{"a40h-001", 0, 0, 0, false},
		{"A6008abc", 0, 0, 0, false},
		{"", 0, 0, 0, false},
		{"m", 0, 0, 0, false},
	}
	for _, c := range cases {
		p, cols, rows, ok := monome.SerialProtocol(c.serial)
		if p != c.proto || cols != c.cols || rows != c.rows || ok != c.ok {
			t.Errorf("SerialProtocol(%q) = %v %d %d %v", c.serial, p, cols, rows, ok)
		}
	}
}

func TestMatchSerial(t *testing.T) {
	cases := []struct {
		path, vendor, model, serial string
		want                        bool
	}{
		{"/dev/ttyACM0", "monome", "grid", "m1000285", true},
		{"/dev/ttyACM0", "monome", "grid", "", true},             // vendor and model suffice
		{"/dev/ttyACM1", "STMicroelectronics", "x", "m42", true}, // serial m%d suffices
		{"/dev/ttyACM1", "STMicroelectronics", "x", "12345", false},
		{"/dev/ttyACM0", "iii", "grid", "m1000285", false}, // iii mode (serialosc PR #78)
		{"/dev/ttyUSB0", "", "", "", true},                 // any FTDI device
		{"/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A6008abc-if00-port0", "FTDI", "FT232R_USB_UART", "A6008abc", true},
		{"/dev/serial/by-id/usb-monome_grid_m1000285-if00", "monome", "grid", "m1000285", true},
		{"/dev/ttyAMA0", "", "", "m1", false}, // the Pi's UART
		{"/dev/ttyS0", "monome", "grid", "", false},
	}
	for _, c := range cases {
		if got := monome.MatchSerial(c.path, c.vendor, c.model, c.serial); got != c.want {
			t.Errorf("MatchSerial(%q, %q, %q, %q) = %v", c.path, c.vendor, c.model, c.serial, got)
		}
	}
}

func TestParseByID(t *testing.T) {
	cases := []struct{ name, vendor, model, serial string }{
		{"usb-monome_grid_m1000285-if00", "monome", "grid", "m1000285"},
		{"/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A6008abc-if00-port0", "FTDI", "FT232R_USB_UART", "A6008abc"},
		{"usb-monome_monome_128_m128-510-if00-port0", "monome", "monome_128", "m128-510"},
	}
	for _, c := range cases {
		v, m, s, ok := monome.ParseByID(c.name)
		if !ok || v != c.vendor || m != c.model || s != c.serial {
			t.Errorf("ParseByID(%q) = %q %q %q %v", c.name, v, m, s, ok)
		}
	}
	for _, bad := range []string{"pci-0000", "usb-nounderscore-if00", "usb-one_two-if00"} {
		if _, _, _, ok := monome.ParseByID(bad); ok {
			t.Errorf("ParseByID(%q) succeeded", bad)
		}
	}
}

func TestCandidatePaths(t *testing.T) {
	in := []string{
		"/dev/ttyUSB1",
		"/dev/ttyACM10",
		"/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A6008abc-if00-port0",
		"/dev/ttyAMA0",
		"/dev/ttyACM2",
		"/dev/serial/by-id/usb-iii_grid_m1000999-if00",
		"/dev/serial/by-id/usb-monome_grid_m1000285-if00",
		"/dev/ttyUSB0",
		"/dev/ttyACM2",
		"/dev/ttyACMfoo",
		"/dev/serial/by-id/usb-Arduino_Uno_85734323-if00",
	}
	want := []string{
		"/dev/serial/by-id/usb-monome_grid_m1000285-if00",
		"/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A6008abc-if00-port0",
		"/dev/ttyACM2",
		"/dev/ttyACM10",
		"/dev/ttyUSB0",
		"/dev/ttyUSB1",
	}
	if got := monome.CandidatePaths(in); !reflect.DeepEqual(got, want) {
		t.Errorf("CandidatePaths:\n got %q\nwant %q", got, want)
	}
	if got := monome.CandidatePaths(nil); len(got) != 0 {
		t.Errorf("CandidatePaths(nil) = %q", got)
	}
}

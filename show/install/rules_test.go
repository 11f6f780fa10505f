package install

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A rule is one line of a rules file: its match keys and assignments, in
// the KEY{attr}OP"value" form of udev(7).
type rule struct {
	line    int
	matches []keyOpValue // == and !=
	assigns []keyOpValue // =, += and :=
}

type keyOpValue struct{ key, op, value string }

var pairRE = regexp.MustCompile(`^([A-Z_]+(?:\{[^{}"]+\})?)(==|!=|\+=|-=|:=|=)"([^"]*)"(?:, |$)`)

// matchKeys are the udev(7) keys that compare; the others assign.
var matchKeys = []string{"ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "KERNELS", "ATTR", "ATTRS", "ENV", "TEST", "DRIVERS", "TAG"}

// parseRules parses a rules file, failing the test on any line that is
// not a comment, blank, or a rule made only of well-formed pairs.
func parseRules(t *testing.T, text string) []rule {
	t.Helper()
	var rules []rule
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := rule{line: i + 1}
		for rest := line; rest != ""; {
			m := pairRE.FindStringSubmatch(rest)
			if m == nil {
				t.Fatalf("rules line %d: cannot parse %q", i+1, rest)
			}
			rest = rest[len(m[0]):]
			kv := keyOpValue{m[1], m[2], m[3]}
			base, _, _ := strings.Cut(kv.key, "{")
			isMatch := kv.op == "==" || kv.op == "!="
			if slices.Contains(matchKeys, base) && base != "ENV" && base != "TAG" && base != "ATTR" && !isMatch {
				t.Fatalf("rules line %d: %s%s: a match key needs == or !=", i+1, kv.key, kv.op)
			}
			if isMatch {
				r.matches = append(r.matches, kv)
			} else {
				r.assigns = append(r.assigns, kv)
			}
		}
		rules = append(rules, r)
	}
	return rules
}

// A device is what udev knows of one event: its keys as match keys spell
// them (SUBSYSTEM, KERNEL, ATTRS{serial}, ENV{DEVTYPE}, TEST{} for files),
// all attributes of the USB parent included.
type device map[string]string

// apply runs rules over d the way udev does for the keys used here: a glob
// (with | alternatives) per match, GOTO to a LABEL, and returns what the
// matching rules assign, as "KEY=value" strings in order.
func apply(rules []rule, d device) []string {
	var got []string
	skipTo := ""
	for _, r := range rules {
		if skipTo != "" {
			if len(r.assigns) == 1 && r.assigns[0].key == "LABEL" && r.assigns[0].value == skipTo {
				skipTo = ""
			}
			continue
		}
		ok := true
		for _, m := range r.matches {
			key := m.key
			if key == "TEST" {
				key = "TEST{" + m.value + "}"
			}
			v, present := d[key]
			hit := false
			if m.key == "TEST" {
				hit = present
			} else {
				for _, alt := range strings.Split(m.value, "|") {
					if matched, _ := path.Match(alt, v); matched && present {
						hit = true
					}
				}
			}
			if hit != (m.op == "==") {
				ok = false
			}
		}
		if !ok {
			continue
		}
		for _, a := range r.assigns {
			switch a.key {
			case "GOTO":
				skipTo = a.value
			case "LABEL":
			default:
				got = append(got, a.key+a.op+a.value)
			}
		}
	}
	return got
}

func TestRulesParse(t *testing.T) {
	rules := parseRules(t, rulesText)
	if len(rules) < 9 {
		t.Fatalf("%d rules, want at least 9", len(rules))
	}
	if !strings.HasSuffix(rulesText, "LABEL=\"gridbox_end\"\n") {
		t.Errorf("the rules do not end with the GOTO's label")
	}
	for _, r := range rules {
		for _, a := range r.assigns {
			if a.key == "OWNER" || a.key == "RUN" || a.key == "RUN{program}" {
				t.Errorf("line %d: %s: the rules must not run programs or name a user", r.line, a.key)
			}
		}
	}
}

func TestRulesGrantDevices(t *testing.T) {
	rules := parseRules(t, rulesText)
	audio := []string{`GROUP=audio`, `MODE=0660`, `TAG+=uaccess`}
	dialout := []string{`GROUP=dialout`, `MODE=0660`, `TAG+=uaccess`, `ENV{ID_MM_DEVICE_IGNORE}=1`}
	awake := []string{`ATTR{power/control}=on`}
	for _, tc := range []struct {
		name string
		d    device
		want []string
	}{
		{"Launchpad X MIDI node", device{"ACTION": "add", "SUBSYSTEM": "sound", "KERNEL": "midiC1D0", "ATTRS{idVendor}": "1235", "ATTRS{idProduct}": "0103"}, audio},
		{"Launchpad Mini MK3 control node, on trigger", device{"ACTION": "change", "SUBSYSTEM": "sound", "KERNEL": "controlC1", "ATTRS{idVendor}": "1235", "ATTRS{idProduct}": "0113"}, audio},
		{"Launchpad USB device", device{"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_device", "ATTR{idVendor}": "1235", "TEST{power/control}": ""}, awake},
		{"grid, CDC, vendor string", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyACM0", "ATTRS{manufacturer}": "monome", "ATTRS{serial}": "m1000285", "ATTRS{idVendor}": "0483"}, slices.Concat(dialout, dialout)},
		{"grid, CDC, serial only", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyACM1", "ATTRS{manufacturer}": "STMicroelectronics", "ATTRS{serial}": "m4220123"}, dialout},
		{"grid, FTDI series", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyUSB0", "ATTRS{idVendor}": "0403", "ATTRS{serial}": "m128-0123"}, dialout},
		{"grid, FTDI kit", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyUSB3", "ATTRS{idVendor}": "0403", "ATTRS{serial}": "mk0123"}, dialout},
		{"grid USB device, CDC", device{"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_device", "ATTR{manufacturer}": "monome", "ATTR{serial}": "m1000285", "TEST{power/control}": ""}, slices.Concat(awake, awake)},
		{"grid USB device, FTDI", device{"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_device", "ATTR{idVendor}": "0403", "ATTR{serial}": "m128-0123", "TEST{power/control}": ""}, slices.Concat(awake, awake)},
		{"grid USB device, FTDI kit", device{"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_device", "ATTR{idVendor}": "0403", "ATTR{serial}": "mk0123", "TEST{power/control}": ""}, awake},
		{"other FTDI USB device", device{"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_device", "ATTR{idVendor}": "0403", "ATTR{serial}": "A50285BI", "TEST{power/control}": ""}, nil},

		{"Launchpad unplugged", device{"ACTION": "remove", "SUBSYSTEM": "sound", "KERNEL": "midiC1D0", "ATTRS{idVendor}": "1235"}, nil},
		{"Launchpad interface, not the device", device{"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_interface", "ATTR{idVendor}": "1235", "TEST{power/control}": ""}, nil},
		{"USB device without runtime power management", device{"ACTION": "add", "SUBSYSTEM": "usb", "ENV{DEVTYPE}": "usb_device", "ATTR{idVendor}": "1235"}, nil},
		{"other sound card", device{"ACTION": "add", "SUBSYSTEM": "sound", "KERNEL": "pcmC0D0p", "ATTRS{idVendor}": "0d8c"}, nil},
		{"Arduino on ttyACM", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyACM0", "ATTRS{manufacturer}": "Arduino (www.arduino.cc)", "ATTRS{serial}": "75735353038351C0B1A1"}, nil},
		{"other FTDI cable", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyUSB0", "ATTRS{idVendor}": "0403", "ATTRS{serial}": "A50285BI"}, nil},
		{"grid in iii mode", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyACM0", "ATTRS{manufacturer}": "iii", "ATTRS{serial}": "x"}, nil},
		{"the Pi's UART", device{"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyAMA0"}, nil},
	} {
		if got := apply(rules, tc.d); !slices.Equal(got, tc.want) {
			t.Errorf("%s: rules assign %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRulesGolden pins the whole rules file for review.
func TestRulesGolden(t *testing.T) {
	opts, _ := newRoot(t)
	files, err := Plan(opts)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "70-gridbox.rules.golden", fileOf(t, files, RulesPath).Content)
}
